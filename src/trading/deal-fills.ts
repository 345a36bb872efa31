import type { EntityManager } from 'typeorm';
import type { OrderEntity, OrderLeg } from './order.entity.js';

const ENTRY_LEGS = new Set<OrderLeg>(['base', 'safety', 'grid_buy']);

/** A new fill of an order, as exact decimals (numeric text from Postgres): base amount, quote value, quote fee. */
export interface FillDelta {
  order: Pick<OrderEntity, 'dealId' | 'leg'>;
  filled: string;
  value: string;
  fee: string;
}

/**
 * Counts fills into their deals, all in Postgres `numeric`. Entry fills build the position and its average; exit
 * fills realize PnL: direction × (exit value − average × exit amount) − exit fees − the entry fees of the part closed.
 * The derived columns come from the new totals: one fill or many, in any order, the deal ends the same. One statement
 * however many fills; the caller holds the deals' rows.
 */
export async function applyFills(manager: EntityManager, fills: FillDelta[]): Promise<void> {
  const counted = fills.filter((fill) => fill.order.dealId !== null && Number(fill.filled) > 0);
  if (counted.length === 0) return;
  // One statement: the SET expressions all read the row as it was, so the derived columns are written from the new
  // totals (n), the same numeric values as the sums stored beside them.
  await manager.query(
    `UPDATE deals d SET
       entry_amount = n.ea, entry_value = n.ev, entry_fees = n.ef, exit_amount = n.xa, exit_value = n.xv, exit_fees = n.xf,
       fees = d.fees + n.entry_fees + n.exit_fees,
       amount = n.ea - n.xa, cost = n.ev, average_entry = n.ev / NULLIF(n.ea, 0),
       realized_pnl = CASE WHEN n.xa = 0 THEN 0 ELSE
         (CASE d.direction WHEN 'long' THEN 1 ELSE -1 END) * (n.xv - n.ev / NULLIF(n.ea, 0) * n.xa) - n.xf - n.ef * n.xa / NULLIF(n.ea, 0) END
     FROM (
       SELECT o.id, o.entry_amount + f.entry_amount AS ea, o.entry_value + f.entry_value AS ev, o.entry_fees + f.entry_fees AS ef,
              o.exit_amount + f.exit_amount AS xa, o.exit_value + f.exit_value AS xv, o.exit_fees + f.exit_fees AS xf, f.entry_fees, f.exit_fees
       FROM (
         SELECT deal_id,
                COALESCE(sum(amount) FILTER (WHERE entry), 0) AS entry_amount, COALESCE(sum(value) FILTER (WHERE entry), 0) AS entry_value,
                COALESCE(sum(fee) FILTER (WHERE entry), 0) AS entry_fees, COALESCE(sum(amount) FILTER (WHERE NOT entry), 0) AS exit_amount,
                COALESCE(sum(value) FILTER (WHERE NOT entry), 0) AS exit_value, COALESCE(sum(fee) FILTER (WHERE NOT entry), 0) AS exit_fees
         FROM unnest($1::uuid[], $2::boolean[], $3::numeric[], $4::numeric[], $5::numeric[]) AS u(deal_id, entry, amount, value, fee)
         GROUP BY deal_id
       ) f JOIN deals o ON o.id = f.deal_id
     ) n
     WHERE d.id = n.id`,
    [
      counted.map((fill) => fill.order.dealId), counted.map((fill) => ENTRY_LEGS.has(fill.order.leg)),
      counted.map((fill) => fill.filled), counted.map((fill) => fill.value), counted.map((fill) => fill.fee),
    ],
  );
}
