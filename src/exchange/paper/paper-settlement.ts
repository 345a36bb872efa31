import type { EntityManager } from 'typeorm';
import type { MarketRules } from '../exchange.port.js';
import type { PaperLedger } from './paper-ledger.js';
import { recordFill, updateReturning, type FillRecord, type PaperOrderRow } from './paper-order-store.js';

/**
 * How a fill moves money. Fees are charged in the quote currency (PnL stays in one currency): a buy pays
 * amount × price + fee, a sell receives amount × price − fee. Every function runs inside the caller's
 * transaction, after the order row (when there is one to lock) and then the balance rows were locked.
 */

export function feeOf(amount: number, price: number, rate: number): number {
  return amount * price * rate;
}

/** Funds a resting limit order holds: a buy its cost plus the largest fee it can pay (maker), a sell its amount. */
export function reservationOf(side: 'buy' | 'sell', amount: number, price: number, makerFee: number): number {
  return side === 'buy' ? amount * price + feeOf(amount, price, makerFee) : amount;
}

/** A fill on arrival (market order, marketable limit): paid from free funds at once, refused when they are short. */
export async function settleArrival(manager: EntityManager, ledger: PaperLedger, rules: MarketRules, fill: FillRecord, side: 'buy' | 'sell'): Promise<PaperOrderRow> {
  const cost = fill.amount * fill.price;
  const what = `${side} ${fill.amount} ${rules.symbol} at ${fill.price}`;
  if (side === 'buy') {
    await ledger.debit(rules.quote, cost + fill.fee, what);
    await ledger.credit(rules.base, fill.amount);
  } else {
    await ledger.debit(rules.base, fill.amount, what);
    await ledger.credit(rules.quote, cost - fill.fee);
  }
  return recordFill(manager, fill);
}

/** A resting order's fill: paid from its reservation; the last fill gives back whatever the reservation had left. */
export async function settleRestingFill(manager: EntityManager, ledger: PaperLedger, rules: MarketRules, order: PaperOrderRow, fill: FillRecord): Promise<PaperOrderRow> {
  const updated = await recordFill(manager, fill);
  const cost = fill.amount * fill.price;
  const reservedAsset = order.side === 'buy' ? rules.quote : rules.base;
  const { spent, released } = await takeReserved(manager, order.id, order.side === 'buy' ? cost + fill.fee : fill.amount, updated.status === 'filled');
  await ledger.spendReserved(reservedAsset, spent);
  await ledger.release(reservedAsset, released);
  if (order.side === 'buy') await ledger.credit(rules.base, fill.amount);
  else await ledger.credit(rules.quote, cost - fill.fee);
  return updated;
}

/** Cancels a resting order: what it still reserves goes back to free. */
export async function cancelResting(manager: EntityManager, ledger: PaperLedger, rules: MarketRules, order: PaperOrderRow): Promise<PaperOrderRow> {
  const { released } = await takeReserved(manager, order.id, 0, true);
  await ledger.release(order.side === 'buy' ? rules.quote : rules.base, released);
  const rows = await updateReturning<PaperOrderRow>(manager, `UPDATE paper_orders SET status = 'canceled' WHERE id = $1 RETURNING *`, [order.id]);
  return rows[0];
}

/**
 * Takes `want` from the order's reservation (never more than it holds: float error in cost × (1 + fee) must not
 * overdraw it) and, when `final`, empties it and says how much is left over to release. Numbers come back as
 * Postgres numerics in text, so used balances return exactly to zero.
 */
async function takeReserved(manager: EntityManager, orderId: string, want: number, final: boolean): Promise<{ spent: string; released: string }> {
  const rows = await updateReturning<{ spent: string; released: string }>(
    manager,
    `UPDATE paper_orders p SET reserved = CASE WHEN $3::boolean THEN 0 ELSE p.reserved - LEAST(p.reserved, $2::numeric) END
     FROM (SELECT reserved AS old FROM paper_orders WHERE id = $1) b
     WHERE p.id = $1
     RETURNING LEAST(b.old, $2::numeric) AS spent, CASE WHEN $3::boolean THEN b.old - LEAST(b.old, $2::numeric) ELSE 0 END AS released`,
    [orderId, want, final],
  );
  return rows[0];
}
