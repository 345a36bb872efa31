import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../common/domain-error.js';
import { UuidPageQuery, toPage, type Page } from '../common/pagination.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ApiBadInput, ApiById, ApiTokenAuth } from '../openapi/index.js';
import { ConditionEntity } from './condition.entity.js';
import { toConditionView, type ConditionView } from './condition.view.js';

@Controller('conditions')
@ApiTags('conditions')
@ApiTokenAuth()
export class ConditionsController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'List the registry\'s conditions', description: 'Each with its canonical key, subscriber count and last evaluation.' })
  @ApiResponse({ status: 200, description: 'A page of conditions: `{items, nextCursor}`.' })
  @ApiBadInput()
  async list(@Query() query: UuidPageQuery): Promise<Page<ConditionView>> {
    const builder = this.withSubscriberCount().orderBy('c.id').limit(query.limit + 1);
    if (query.cursor) builder.where('c.id > :cursor', { cursor: query.cursor });
    const { entities, raw } = await builder.getRawAndEntities();
    const views = entities.map((condition, i) => toConditionView(condition, Number(raw[i].subscribers)));
    return toPage(views, query.limit, (view) => view.id);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a condition' })
  @ApiById('condition')
  @ApiResponse({ status: 200, description: '`{id, key, definition, subscribers, lastEvaluation: {candleOpenTime, value, values, state}}`.' })
  async get(@Param('id', uuidParam()) id: string): Promise<ConditionView> {
    const { entities, raw } = await this.withSubscriberCount().where('c.id = :id', { id }).getRawAndEntities();
    if (entities.length === 0) throw new NotFoundError('condition', id);
    return toConditionView(entities[0], Number(raw[0].subscribers));
  }

  private withSubscriberCount() {
    return this.db
      .getRepository(ConditionEntity)
      .createQueryBuilder('c')
      .addSelect('(SELECT count(DISTINCT s.bot_id) FROM subscriptions s WHERE s.condition_id = c.id)', 'subscribers');
  }
}
