import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsOptional, IsUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import { CurrentAccount } from '../access/index.js';
import { SeqPageQuery, toPage, type Page } from '../common/pagination.js';
import { ApiBadInput, ApiTokenAuth } from '../openapi/index.js';

export class TriggersQuery extends SeqPageQuery {
  @ApiPropertyOptional({ type: String, format: 'uuid', description: 'Only this condition\'s triggers.', example: '0b6f5c1e-8f5a-4b7e-9a53-5f2d8a0c1e77' })
  @IsOptional() @IsUUID()
  conditionId?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', description: 'Only the triggers of this bot\'s conditions, each with what it did for the bot (`delivery`).', example: '0b6f5c1e-8f5a-4b7e-9a53-5f2d8a0c1e77' })
  @IsOptional() @IsUUID()
  botId?: string;
}

export interface TriggerView {
  id: string;
  conditionId: string;
  conditionKey: string;
  candleOpenTime: string;
  candleCloseTime: string;
  value: number | null;
  values: Record<string, number | null>;
  publishedAt: string | null;
  handledAt: string | null;
  /** With `botId`: what the trigger did for that bot (`executed`, `skipped`, `refused`) and why. */
  delivery?: { outcome: string; reason: string | null } | null;
}

/** Triggers with their provenance, oldest first; with `botId`, those of the bot's conditions and what each did for it. */
@Controller('triggers')
@ApiTags('triggers')
@ApiTokenAuth()
export class TriggersController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'List triggers', description: 'Oldest first, with their provenance (condition, candle, values).' })
  @ApiResponse({ status: 200, description: 'A page of triggers: `{items, nextCursor}`.' })
  @ApiBadInput()
  async list(@Query() query: TriggersQuery, @CurrentAccount() accountId: string): Promise<Page<TriggerView>> {
    const params: unknown[] = [query.limit + 1, query.cursor ?? '0', query.botId ?? null, query.conditionId ?? null, accountId];
    const rows: Record<string, any>[] = await this.db.query(
      `SELECT t.id, t.seq, t.condition_id, c.key, t.candle_open_time, t.candle_close_time, t."values", t.published_at, t.handled_at,
              d.outcome, d.reason
       FROM triggers t JOIN conditions c ON c.id = t.condition_id
       LEFT JOIN LATERAL (SELECT bot_id, outcome, reason FROM deliveries WHERE trigger_id = t.id AND bot_id = $3
                          ORDER BY role = 'entry' DESC, role LIMIT 1) d ON true
       WHERE t.seq > $2::bigint
         AND ($4::uuid IS NULL OR t.condition_id = $4)
         AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM bots WHERE id = $3 AND account_id = $5))
         AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM subscriptions s WHERE s.bot_id = $3 AND s.condition_id = t.condition_id)
                               OR d.bot_id IS NOT NULL)
       ORDER BY t.seq LIMIT $1`,
      params,
    );
    const page = toPage(rows, query.limit, (row) => String(row.seq));
    return { items: page.items.map((row) => toView(row, query.botId !== undefined)), nextCursor: page.nextCursor };
  }
}

function toView(row: Record<string, any>, withDelivery: boolean): TriggerView {
  return {
    id: row.id,
    conditionId: row.condition_id,
    conditionKey: row.key,
    candleOpenTime: row.candle_open_time.toISOString(),
    candleCloseTime: row.candle_close_time.toISOString(),
    value: row.values.lhs ?? null,
    values: row.values,
    publishedAt: row.published_at?.toISOString() ?? null,
    handledAt: row.handled_at?.toISOString() ?? null,
    ...(withDelivery && { delivery: row.outcome ? { outcome: row.outcome, reason: row.reason } : null }),
  };
}
