import type { EntityManager } from 'typeorm';
import { exact, multiply, toNumber, type ExactDecimal, ZERO } from './exact-decimal.js';
import { utcDayStart, type AccountSnapshot, type RiskLimits } from './risk-rules.js';

type Queryable = Pick<EntityManager, 'query'>;

/** Closes that count for the stoploss guard. */
export const STOP_LOSS_REASONS = ['stop_loss', 'trailing_stop'];
const LIVE_ORDER = `o.status IN ('pending', 'open', 'partially_filled') AND o.cancel_requested_at IS NULL`;

/** The account's state with its exposure exact (numeric text), so that a risk session can add to it without drift. */
export interface ExactSnapshot extends Omit<AccountSnapshot, 'exposure'> {
  exposure: ExactDecimal;
}

/** Which parts of the snapshot a decision reads: a part no limit looks at is not read (nor is its cost paid). */
export interface SnapshotParts {
  exposure: boolean;
  openDeals: boolean;
  pnl: boolean;
  /** The stoploss guard's window, or null without a guard. */
  stopWindowSeconds: number | null;
}

export const ALL_PARTS = (stopWindowSeconds: number | null): SnapshotParts => ({ exposure: true, openDeals: true, pnl: true, stopWindowSeconds });

/** What evaluateRisk reads, for these limits. */
export function partsFor(limits: RiskLimits): SnapshotParts {
  return {
    exposure: limits.maxExposure !== null,
    openDeals: limits.maxOpenDeals !== null,
    pnl: limits.dailyLossLimit !== null,
    stopWindowSeconds: limits.stoplossGuard?.windowSeconds ?? null,
  };
}

/**
 * The account as of market time `at`, across all its bots. Exposure is the open part of every open deal's entry
 * (entry value − average entry × amount exited) plus what base orders still in flight will add, so a deal whose
 * base order has not filled yet counts at its size. Resting safety orders do not count until they fill.
 */
export async function readSnapshot(db: Queryable, exchangeAccountId: string, at: number, stopWindowSeconds: number | null): Promise<AccountSnapshot> {
  const snapshot = await readExactSnapshot(db, exchangeAccountId, at, ALL_PARTS(stopWindowSeconds));
  return { ...snapshot, exposure: toNumber(snapshot.exposure) };
}

/** The parts asked for; the others are left at zero (no limit reads them). */
export async function readExactSnapshot(db: Queryable, exchangeAccountId: string, at: number, parts: SnapshotParts): Promise<ExactSnapshot> {
  const snapshot: ExactSnapshot = { exposure: ZERO, openDeals: 0, realizedPnlToday: 0, stopLosses: [] };
  if (parts.exposure) {
    // One statement, so one snapshot: an order filling in between cannot leave a deal's base order counted neither
    // as in flight nor as filled.
    const [deals] = await db.query(
      `SELECT count(*)::int AS open,
              COALESCE(sum(GREATEST(d.entry_value - COALESCE(d.average_entry, 0) * d.exit_amount, 0) + COALESCE(f.value, 0)), 0)::text AS exposure
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
    snapshot.exposure = exact(deals.exposure);
    snapshot.openDeals = deals.open;
  } else if (parts.openDeals) {
    const [deals] = await db.query(`SELECT count(*)::int AS open FROM deals WHERE exchange_account_id = $1 AND status = 'open'`, [exchangeAccountId]);
    snapshot.openDeals = deals.open;
  }
  if (parts.pnl) {
    const [pnl] = await db.query(
      `SELECT COALESCE(sum(realized_pnl), 0) AS today FROM deals
       WHERE exchange_account_id = $1 AND status <> 'open' AND closed_at >= $2 AND closed_at <= $3`,
      [exchangeAccountId, new Date(utcDayStart(at)), new Date(at)],
    );
    snapshot.realizedPnlToday = Number(pnl.today);
  }
  if (parts.stopWindowSeconds !== null) {
    const stops: { closed_at: Date }[] = await db.query(
      `SELECT closed_at FROM deals WHERE exchange_account_id = $1 AND status = 'closed' AND close_reason = ANY($2::text[])
         AND closed_at > $3 AND closed_at <= $4 ORDER BY closed_at`,
      [exchangeAccountId, STOP_LOSS_REASONS, new Date(at - parts.stopWindowSeconds * 1000), new Date(at)],
    );
    snapshot.stopLosses = stops.map((row) => row.closed_at.getTime());
  }
  return snapshot;
}

/** The fields of a freshly recorded order that the exposure above reads. */
export interface NewOrderValue {
  leg: string;
  type: string;
  quoteAmount: number | null;
  price: number | null;
  amount: number | null;
}

/**
 * What the exposure query above counts for an order just recorded (`pending`, nothing filled), computed exactly as
 * it does: a risk session adds it for a deal opened in its transaction instead of reading the account again.
 */
export function inFlightValue(order: NewOrderValue): ExactDecimal {
  if (order.leg !== 'base' && !(order.leg === 'grid_buy' && order.type === 'market')) return ZERO;
  const value = order.quoteAmount !== null ? exact(order.quoteAmount)
    : order.price !== null && order.amount !== null ? multiply(exact(order.amount), exact(order.price))
    : ZERO;
  return value.units > 0n ? value : ZERO;
}
