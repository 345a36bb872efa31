import type { EntityManager } from 'typeorm';
import { utcDayStart, type AccountSnapshot } from './risk-rules.js';

type Queryable = Pick<EntityManager, 'query'>;

/** Closes that count for the stoploss guard. */
export const STOP_LOSS_REASONS = ['stop_loss', 'trailing_stop'];
const LIVE_ORDER = `o.status IN ('pending', 'open', 'partially_filled') AND o.cancel_requested_at IS NULL`;

/**
 * The account as of market time `at`, across all its bots. Exposure is the open part of every open deal's entry
 * (entry value − average entry × amount exited) plus what base orders still in flight will add, so a deal whose
 * base order has not filled yet counts at its size. Resting safety orders do not count until they fill.
 */
export async function readSnapshot(db: Queryable, exchangeAccountId: string, at: number, stopWindowSeconds: number | null): Promise<AccountSnapshot> {
  // One statement, so one snapshot: an order filling in between cannot leave a deal's base order counted neither
  // as in flight nor as filled.
  const [deals] = await db.query(
    `SELECT count(*)::int AS open,
            COALESCE(sum(GREATEST(d.entry_value - COALESCE(d.average_entry, 0) * d.exit_amount, 0) + COALESCE(f.value, 0)), 0) AS exposure
     FROM deals d
     LEFT JOIN LATERAL (
       SELECT sum(CASE
                WHEN o.quote_amount IS NOT NULL THEN GREATEST(o.quote_amount - o.filled * COALESCE(o.average, 0), 0)
                WHEN o.price IS NOT NULL AND o.amount IS NOT NULL THEN GREATEST(o.amount - o.filled, 0) * o.price
                ELSE 0 END) AS value
       FROM orders o WHERE o.deal_id = d.id AND (o.leg = 'base' OR (o.leg = 'grid_buy' AND o.type = 'market')) AND ${LIVE_ORDER}
     ) f ON true
     WHERE d.exchange_account_id = $1 AND d.status = 'open'`,
    [exchangeAccountId],
  );
  const [pnl] = await db.query(
    `SELECT COALESCE(sum(realized_pnl), 0) AS today FROM deals
     WHERE exchange_account_id = $1 AND status <> 'open' AND closed_at >= $2 AND closed_at <= $3`,
    [exchangeAccountId, new Date(utcDayStart(at)), new Date(at)],
  );
  const stops: { closed_at: Date }[] = stopWindowSeconds === null ? [] : await db.query(
    `SELECT closed_at FROM deals WHERE exchange_account_id = $1 AND status = 'closed' AND close_reason = ANY($2::text[])
       AND closed_at > $3 AND closed_at <= $4 ORDER BY closed_at`,
    [exchangeAccountId, STOP_LOSS_REASONS, new Date(at - stopWindowSeconds * 1000), new Date(at)],
  );
  return {
    exposure: Number(deals.exposure),
    openDeals: deals.open,
    realizedPnlToday: Number(pnl.today),
    stopLosses: stops.map((row) => row.closed_at.getTime()),
  };
}
