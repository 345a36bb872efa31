import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../common/domain-error.js';
import { UuidPageQuery, toPage, type Page } from '../common/pagination.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ApiBadInput, ApiById, ApiTokenAuth } from '../openapi/index.js';
import { ConditionViewCache } from './condition-view-cache.js';
import { conditionViewOfRow, SELECT_CONDITIONS, type ConditionRow, type ConditionView } from './condition.view.js';

@Controller('conditions')
@ApiTags('conditions')
@ApiTokenAuth()
export class ConditionsController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly answers: ConditionViewCache,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List the registry\'s conditions', description: 'Each with its canonical key, subscriber count and last evaluation.' })
  @ApiResponse({ status: 200, description: 'A page of conditions: `{items, nextCursor}`.' })
  @ApiBadInput()
  async list(@Query() query: UuidPageQuery): Promise<Page<ConditionView>> {
    const after = query.cursor ? 'WHERE c.id > $2' : '';
    const rows: ConditionRow[] = await this.db.query(`${SELECT_CONDITIONS} ${after} ORDER BY c.id LIMIT $1`, [query.limit + 1, ...(query.cursor ? [query.cursor] : [])]);
    return toPage(rows.map(conditionViewOfRow), query.limit, (view) => view.id);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a condition' })
  @ApiById('condition')
  @ApiResponse({ status: 200, description: '`{id, key, definition, subscribers, lastEvaluation: {candleOpenTime, value, values, state}}`.' })
  async get(@Param('id', uuidParam()) id: string): Promise<ConditionView> {
    const cached = this.answers.get(id);
    if (cached) return cached;
    const version = this.answers.version();
    const [row]: ConditionRow[] = await this.db.query(`${SELECT_CONDITIONS} WHERE c.id = $1`, [id]);
    if (!row) throw new NotFoundError('condition', id);
    const view = conditionViewOfRow(row);
    this.answers.set(id, view, version);
    return view;
  }
}
