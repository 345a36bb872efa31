import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

type Queryable = Pick<EntityManager, 'query'>;

export type GridPhase = 'starting' | 'running' | 'shifting';
export type SlotState = 'buy' | 'sell';

/**
 * A grid deal's own state. `starting`: its rebalancing market order (buying the base its sells need) is in flight,
 * its limits not placed yet; `running`: every slot holds its order; `shifting`: its orders are being canceled to lay
 * the grid out again around `shiftPrice` (trailing).
 */
export interface GridRow {
  dealId: string;
  botId: string;
  phase: GridPhase;
  generation: number;
  lowerPrice: number;
  upperPrice: number;
  lineCount: number;
  spacing: 'arithmetic' | 'geometric';
  amountPerLine: number;
  rebalanceOrderId: string | null;
  shiftPrice: number | null;
  outOfRange: 'below' | 'above' | null;
}

/**
 * One line, and the slot from it to the next line up (none on the top line): `buy` waits to buy at this line, `sell`
 * holds the base bought here (order `buyOrderId`, or at `costPrice` when it was carried over a shift) and waits to
 * sell it at the next line. `orderId` is the slot's current order.
 */
export interface GridLineRow {
  index: number;
  price: number;
  state: SlotState | null;
  orderId: string | null;
  buyOrderId: string | null;
  costPrice: number | null;
}

const num = (value: string | null): number | null => (value === null ? null : Number(value));

/** SQL of the grid tables, inside the caller's transaction (the grid's deal row is locked first, as everywhere). */
@Injectable()
export class GridStore {
  async insert(manager: Queryable, grid: Omit<GridRow, 'generation' | 'shiftPrice' | 'outOfRange'>): Promise<void> {
    await manager.query(
      `INSERT INTO grids (deal_id, bot_id, phase, lower_price, upper_price, line_count, spacing, amount_per_line, rebalance_order_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [grid.dealId, grid.botId, grid.phase, grid.lowerPrice, grid.upperPrice, grid.lineCount, grid.spacing, grid.amountPerLine, grid.rebalanceOrderId],
    );
  }

  async find(db: Queryable, dealId: string): Promise<GridRow | undefined> {
    const [row] = await db.query(`SELECT * FROM grids WHERE deal_id = $1`, [dealId]);
    return row && {
      dealId: row.deal_id, botId: row.bot_id, phase: row.phase, generation: row.generation,
      lowerPrice: Number(row.lower_price), upperPrice: Number(row.upper_price), lineCount: row.line_count, spacing: row.spacing,
      amountPerLine: Number(row.amount_per_line), rebalanceOrderId: row.rebalance_order_id, shiftPrice: num(row.shift_price), outOfRange: row.out_of_range,
    };
  }

  async update(manager: Queryable, dealId: string, patch: Partial<Omit<GridRow, 'dealId' | 'botId'>>): Promise<void> {
    const columns: Record<string, string> = {
      phase: 'phase', generation: 'generation', lowerPrice: 'lower_price', upperPrice: 'upper_price', lineCount: 'line_count', spacing: 'spacing',
      amountPerLine: 'amount_per_line', rebalanceOrderId: 'rebalance_order_id', shiftPrice: 'shift_price', outOfRange: 'out_of_range',
    };
    const entries = Object.entries(patch).filter(([key]) => columns[key]);
    if (entries.length === 0) return;
    const sets = entries.map(([key], i) => `${columns[key]} = $${i + 2}`).join(', ');
    await manager.query(`UPDATE grids SET ${sets}, updated_at = now() WHERE deal_id = $1`, [dealId, ...entries.map(([, value]) => value)]);
  }

  async lines(db: Queryable, dealId: string): Promise<GridLineRow[]> {
    const rows = await db.query(`SELECT * FROM grid_lines WHERE deal_id = $1 ORDER BY line_index`, [dealId]);
    return rows.map((row: any) => ({
      index: row.line_index, price: Number(row.price), state: row.state, orderId: row.order_id, buyOrderId: row.buy_order_id, costPrice: num(row.cost_price),
    }));
  }

  async replaceLines(manager: Queryable, dealId: string, lines: GridLineRow[]): Promise<void> {
    await manager.query(`DELETE FROM grid_lines WHERE deal_id = $1`, [dealId]);
    await manager.query(
      `INSERT INTO grid_lines (deal_id, line_index, price, state, order_id, buy_order_id, cost_price)
       SELECT $1, * FROM unnest($2::int[], $3::numeric[], $4::text[], $5::uuid[], $6::uuid[], $7::numeric[])`,
      [dealId, lines.map((l) => l.index), lines.map((l) => l.price), lines.map((l) => l.state), lines.map((l) => l.orderId), lines.map((l) => l.buyOrderId), lines.map((l) => l.costPrice)],
    );
  }

  async updateLine(manager: Queryable, dealId: string, line: GridLineRow): Promise<void> {
    await manager.query(
      `UPDATE grid_lines SET state = $3, order_id = $4, buy_order_id = $5, cost_price = $6 WHERE deal_id = $1 AND line_index = $2`,
      [dealId, line.index, line.state, line.orderId, line.buyOrderId, line.costPrice],
    );
  }

  /**
   * A slot's buy and sell became a round trip: amount, prices and fees from the orders themselves (numeric, in
   * Postgres). The buy's fee counts pro rata (a market buy may have bought for several slots). Recorded once per sell.
   */
  async recordRoundTrip(manager: Queryable, trip: { dealId: string; generation: number; line: GridLineRow; sellOrderId: string; at: number }): Promise<void> {
    await manager.query(
      `WITH t AS (
         SELECT s.id AS sell_id, b.id AS buy_id, s.filled AS amount, coalesce(b.average, $4::numeric) AS buy_price, s.average AS sell_price,
                s.fee + coalesce(b.fee * s.filled / nullif(b.filled, 0), 0) AS fees
         FROM orders s LEFT JOIN orders b ON b.id = $5::uuid WHERE s.id = $6 AND s.filled > 0)
       INSERT INTO grid_round_trips (deal_id, generation, line_index, buy_order_id, sell_order_id, amount, buy_price, sell_price, fees, profit, completed_at)
       SELECT $1, $2, $3, buy_id, sell_id, amount, buy_price, sell_price, fees, (sell_price - buy_price) * amount - fees, $7 FROM t
       ON CONFLICT (sell_order_id) DO NOTHING`,
      [trip.dealId, trip.generation, trip.line.index, trip.line.costPrice, trip.line.buyOrderId, trip.sellOrderId, new Date(trip.at)],
    );
  }

  /** How many orders the deal has per leg and line: the next order's sequence, so that each has a fresh client id. */
  async sequences(manager: Queryable, dealId: string): Promise<Map<string, number>> {
    const rows: { leg: string; leg_index: number; n: number }[] = await manager.query(
      `SELECT leg, leg_index, count(*)::int AS n FROM orders WHERE deal_id = $1 GROUP BY leg, leg_index`,
      [dealId],
    );
    return new Map(rows.map((row) => [`${row.leg}${row.leg_index}`, row.n]));
  }
}
