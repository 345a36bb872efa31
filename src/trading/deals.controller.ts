import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { CurrentAccount } from '../access/index.js';
import { UuidPageQuery, type Page } from '../common/pagination.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ApiBadInput, ApiById, ApiTokenAuth } from '../openapi/index.js';
import type { DealStatus } from './deal.entity.js';
import type { DealDetailView, DealView } from './deal.view.js';
import { DealStatsService, type BotStatsView } from './deal-stats.service.js';
import { DealsQueryService } from './deals-query.service.js';

const DEAL_STATUSES: DealStatus[] = ['open', 'closed', 'canceled'];

/** `GET /deals?botId=&status=&limit=&cursor=` */
export class DealsQuery extends UuidPageQuery {
  @ApiPropertyOptional({ type: String, format: 'uuid', description: 'Only this bot\'s deals.', example: '0b6f5c1e-8f5a-4b7e-9a53-5f2d8a0c1e77' })
  @IsOptional() @IsUUID(undefined, { message: 'botId must be a UUID' })
  botId?: string;

  @ApiPropertyOptional({ enum: DEAL_STATUSES, description: 'Only deals in this state.', example: 'open' })
  @IsOptional() @IsIn(DEAL_STATUSES, { message: `status must be one of ${DEAL_STATUSES.join(', ')}` })
  status?: DealStatus;
}

/** Deals and their PnL, read-only; commands on a deal (close, cancel) live with the executors. */
@Controller()
@ApiTokenAuth()
export class DealsController {
  constructor(
    private readonly deals: DealsQueryService,
    private readonly stats: DealStatsService,
  ) {}

  /** Newest first. */
  @Get('deals')
  @ApiTags('deals')
  @ApiOperation({ summary: 'List deals', description: 'Newest first.' })
  @ApiResponse({ status: 200, description: 'A page of deals: `{items, nextCursor}`.' })
  @ApiBadInput()
  list(@Query() query: DealsQuery, @CurrentAccount() accountId: string): Promise<Page<DealView>> {
    return this.deals.list({ ...query, accountId });
  }

  @Get('deals/:id')
  @ApiTags('deals')
  @ApiOperation({ summary: 'Get a deal', description: 'With its timeline, orders and fills.' })
  @ApiById('deal')
  @ApiResponse({ status: 200, description: 'The deal with its timeline, orders and fills.' })
  get(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<DealDetailView> {
    return this.deals.get(id, accountId);
  }

  @Get('bots/:id/stats')
  @ApiOperation({ summary: 'Get a bot\'s stats', description: 'Realized and unrealized PnL, win rate, durations, drawdown.' })
  @ApiTags('bots')
  @ApiById('bot')
  @ApiResponse({ status: 200, description: 'The bot\'s stats.' })
  botStats(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<BotStatsView> {
    return this.stats.forBot(id, accountId);
  }
}
