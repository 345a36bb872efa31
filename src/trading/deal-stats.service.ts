import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../clock/index.js';
import { NotFoundError } from '../common/domain-error.js';
import { clean, type DealView } from './deal.view.js';
import { DealsQueryService } from './deals-query.service.js';

interface Totals {
  total: number;
  open: number;
  closed: number;
  canceled: number;
  wins: number;
  realized_pnl: string;
  fees: string;
  avg_seconds: string | null;
  min_seconds: string | null;
  max_seconds: string | null;
}

/**
 * Realized PnL of a bot's deals recomputed from the fills alone, deal by deal, with the formula of
 * DealsService.applyFill: entry legs (base, safety) give the average; exit legs (take_profit, close) realize
 * direction × (exit value − average × exit amount) − exit fees − the entry fees of the part closed.
 */
const PNL_FROM_FILLS = `
  WITH legs AS (
    SELECT o.deal_id, o.leg IN ('base', 'safety', 'grid_buy') AS entry,
           sum(f.amount) AS amount, sum(f.amount * f.price) AS value, sum(f.fee) AS fee
    FROM fills f JOIN orders o ON o.id = f.order_id JOIN deals d ON d.id = o.deal_id
    WHERE d.bot_id = $1 GROUP BY o.deal_id, entry
  )
  SELECT coalesce(sum(
    (CASE d.direction WHEN 'long' THEN 1 ELSE -1 END) * (x.value - e.value / e.amount * x.amount) - x.fee - e.fee * x.amount / e.amount
  ), 0) AS pnl
  FROM deals d JOIN legs e ON e.deal_id = d.id AND e.entry JOIN legs x ON x.deal_id = d.id AND NOT x.entry
  WHERE d.bot_id = $1`;

/** A bot's results over all its deals: PnL realized and open, fees, wins, durations and the worst open deal. */
@Injectable()
export class DealStatsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly deals: DealsQueryService,
    private readonly clock: Clock,
  ) {}

  async forBot(botId: string, accountId: string) {
    const [bot] = await this.db.query(`SELECT id FROM bots WHERE id = $1 AND account_id = $2 AND deleted_at IS NULL`, [botId, accountId]);
    if (!bot) throw new NotFoundError('bot', botId);
    const [totals]: Totals[] = await this.db.query(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE status = 'open')::int AS open,
              count(*) FILTER (WHERE status = 'closed')::int AS closed,
              count(*) FILTER (WHERE status = 'canceled')::int AS canceled,
              count(*) FILTER (WHERE status = 'closed' AND realized_pnl > 0)::int AS wins,
              coalesce(sum(realized_pnl), 0) AS realized_pnl,
              coalesce(sum(fees), 0) AS fees,
              avg(extract(epoch FROM closed_at - opened_at)) FILTER (WHERE status = 'closed') AS avg_seconds,
              min(extract(epoch FROM closed_at - opened_at)) FILTER (WHERE status = 'closed') AS min_seconds,
              max(extract(epoch FROM closed_at - opened_at)) FILTER (WHERE status = 'closed') AS max_seconds
       FROM deals WHERE bot_id = $1`,
      [botId],
    );
    const [{ pnl }]: { pnl: string }[] = await this.db.query(PNL_FROM_FILLS, [botId]);
    const open = await this.deals.openDeals(botId);
    const seconds = (value: string | null) => (value === null ? null : Math.round(Number(value)));
    return {
      botId,
      asOf: new Date(this.clock.now()).toISOString(),
      deals: { total: totals.total, open: totals.open, closed: totals.closed, canceled: totals.canceled },
      /** Sum of the deals' realized PnL, net of fees (open deals count what their partial exits realized). */
      realizedPnl: clean(Number(totals.realized_pnl)),
      /** The same, recomputed from the fills table: equal to realizedPnl unless a deal's totals drifted from its fills. */
      pnlFromFills: clean(Number(pnl)),
      unrealizedPnl: clean(open.reduce((sum, deal) => sum + (deal.unrealizedPnl ?? 0), 0)),
      fees: clean(Number(totals.fees)),
      wins: totals.wins,
      losses: totals.closed - totals.wins,
      /** Percent of closed deals with a positive realized PnL; null before any deal closed. */
      winRate: totals.closed > 0 ? clean((100 * totals.wins) / totals.closed) : null,
      durationSeconds: { average: seconds(totals.avg_seconds), min: seconds(totals.min_seconds), max: seconds(totals.max_seconds) },
      maxDrawdown: maxDrawdown(open),
    };
  }
}

export type BotStatsView = Awaited<ReturnType<DealStatsService['forBot']>>;

/** The open deal with the worst unrealized PnL, in quote and in percent of what it invested; zero when none is at a loss. */
function maxDrawdown(open: DealView[]): { amount: number; percent: number; dealId: string | null } {
  const worst = open
    .filter((deal) => deal.unrealizedPnl !== null && deal.unrealizedPnl < 0)
    .sort((a, b) => a.unrealizedPnl! - b.unrealizedPnl!)[0];
  if (!worst) return { amount: 0, percent: 0, dealId: null };
  return { amount: worst.unrealizedPnl!, percent: worst.invested > 0 ? clean((100 * worst.unrealizedPnl!) / worst.invested) : 0, dealId: worst.id };
}
