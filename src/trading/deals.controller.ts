import { Controller, Get, Param, Query } from '@nestjs/common';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { CurrentAccount } from '../access/index.js';
import { UuidPageQuery, type Page } from '../common/pagination.js';
import { uuidParam } from '../common/uuid.pipe.js';
import type { DealStatus } from './deal.entity.js';
import type { DealDetailView, DealView } from './deal.view.js';
import { DealStatsService, type BotStatsView } from './deal-stats.service.js';
import { DealsQueryService } from './deals-query.service.js';

const DEAL_STATUSES: DealStatus[] = ['open', 'closed', 'canceled'];

/** `GET /deals?botId=&status=&limit=&cursor=` */
export class DealsQuery extends UuidPageQuery {
  @IsOptional() @IsUUID(undefined, { message: 'botId must be a UUID' })
  botId?: string;

  @IsOptional() @IsIn(DEAL_STATUSES, { message: `status must be one of ${DEAL_STATUSES.join(', ')}` })
  status?: DealStatus;
}

/** Deals and their PnL, read-only; commands on a deal (close, cancel) live with the executors. */
@Controller()
export class DealsController {
  constructor(
    private readonly deals: DealsQueryService,
    private readonly stats: DealStatsService,
  ) {}

  /** Newest first. */
  @Get('deals')
  list(@Query() query: DealsQuery, @CurrentAccount() accountId: string): Promise<Page<DealView>> {
    return this.deals.list({ ...query, accountId });
  }

  @Get('deals/:id')
  get(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<DealDetailView> {
    return this.deals.get(id, accountId);
  }

  @Get('bots/:id/stats')
  botStats(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<BotStatsView> {
    return this.stats.forBot(id, accountId);
  }
}
