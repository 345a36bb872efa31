import type { EntityManager } from 'typeorm';
import { splitSymbol, type ExchangeOrder } from '../exchange.port.js';

/** A paper_orders row as Postgres returns it: numerics as strings, kept as strings where sums must stay exact. */
export interface PaperOrderRow {
  id: string;
  client_order_id: string;
  symbol: string;
  side: 'buy' | 'sell';
  type: 'market' | 'limit';
  price: string | null;
  amount: string;
  filled: string;
  average: string | null;
  fee: string;
  status: ExchangeOrder['status'];
  reserved: string;
  checked_until: Date | null;
}

export const OPEN_STATUSES = ['open', 'partially_filled'];
export const ORDER_COLUMNS = `id, client_order_id, symbol, side, type, price, amount, filled, average, fee, status, reserved, checked_until`;

type Queryable = Pick<EntityManager, 'query'>;

/** The rows an UPDATE … RETURNING gave: TypeORM answers an UPDATE with [rows, count], other statements with rows. */
export async function updateReturning<T>(db: Queryable, sql: string, params: unknown[]): Promise<T[]> {
  const [rows]: [T[], number] = await db.query(sql, params);
  return rows;
}

export function toExchangeOrder(row: PaperOrderRow): ExchangeOrder {
  return {
    exchangeOrderId: row.id,
    clientOrderId: row.client_order_id,
    symbol: row.symbol,
    side: row.side,
    type: row.type,
    price: row.price === null ? null : Number(row.price),
    status: row.status,
    amount: Number(row.amount),
    filled: Number(row.filled),
    average: row.average === null ? null : Number(row.average),
    fee: Number(row.fee),
    feeCurrency: splitSymbol(row.symbol).quote,
  };
}

/** The client order id is unique per account (whatever the symbol): that is what makes a resend find the first order. */
export async function findByClientId(db: Queryable, accountId: string, clientOrderId: string): Promise<PaperOrderRow | null> {
  const rows: PaperOrderRow[] = await db.query(`SELECT ${ORDER_COLUMNS} FROM paper_orders WHERE exchange_account_id = $1 AND client_order_id = $2`, [
    accountId,
    clientOrderId,
  ]);
  return rows[0] ?? null;
}

/** `findByClientId` for many client order ids, by client order id. */
export async function findByClientIds(db: Queryable, accountId: string, clientOrderIds: string[]): Promise<Map<string, PaperOrderRow>> {
  if (clientOrderIds.length === 0) return new Map();
  const rows: PaperOrderRow[] = await db.query(
    `SELECT ${ORDER_COLUMNS} FROM paper_orders WHERE exchange_account_id = $1 AND client_order_id = ANY($2::text[])`,
    [accountId, clientOrderIds],
  );
  return new Map(rows.map((row) => [row.client_order_id, row]));
}

export async function openOrders(db: Queryable, accountId: string, symbol?: string): Promise<PaperOrderRow[]> {
  return db.query(
    `SELECT ${ORDER_COLUMNS} FROM paper_orders
     WHERE exchange_account_id = $1 AND status = ANY($2::text[]) AND ($3::text IS NULL OR symbol = $3)
     ORDER BY created_at, id`,
    [accountId, OPEN_STATUSES, symbol ?? null],
  );
}

/** Locks the order for a fill or a cancel: whoever holds it sees the latest filled amount and reservation. */
export async function lockOrder(manager: EntityManager, id: string): Promise<PaperOrderRow> {
  const rows: PaperOrderRow[] = await manager.query(`SELECT ${ORDER_COLUMNS} FROM paper_orders WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0];
}

export interface NewOrder {
  id: string;
  accountId: string;
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  type: 'market' | 'limit';
  price: number | null;
  amount: number;
  reserved: number;
  /** Market time the order is simulated as placed at. */
  placedAt: number;
}

/** Inserts the order, open (a fill on arrival is recorded right after), unless its client order id (or id) exists; false when it did (a concurrent resend won). */
export async function insertOrder(manager: EntityManager, order: NewOrder): Promise<boolean> {
  const rows: unknown[] = await manager.query(
    `INSERT INTO paper_orders (id, exchange_account_id, client_order_id, symbol, side, type, price, amount, status, reserved, checked_until, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10, $10)
     ON CONFLICT DO NOTHING RETURNING id`,
    [order.id, order.accountId, order.clientOrderId, order.symbol, order.side, order.type, order.price, order.amount, order.reserved, new Date(order.placedAt)],
  );
  return rows.length === 1;
}

export interface FillRecord {
  orderId: string;
  candleOpenTime: number | null;
  filledAt: number;
  liquidity: 'maker' | 'taker';
  amount: number;
  price: number;
  fee: number;
}

/** Records one fill and adds it to the order's cumulative filled, average and fee; the order is filled when nothing remains. */
export async function recordFill(manager: EntityManager, fill: FillRecord): Promise<PaperOrderRow> {
  await manager.query(
    `INSERT INTO paper_fills (order_id, candle_open_time, filled_at, liquidity, amount, price, fee) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [fill.orderId, fill.candleOpenTime === null ? null : new Date(fill.candleOpenTime), new Date(fill.filledAt), fill.liquidity, fill.amount, fill.price, fill.fee],
  );
  const rows = await updateReturning<PaperOrderRow>(
    manager,
    `UPDATE paper_orders SET
       average = (COALESCE(average, 0) * filled + $2::numeric * $3::numeric) / (filled + $2::numeric),
       filled = filled + $2::numeric,
       fee = fee + $4::numeric,
       status = CASE WHEN filled + $2::numeric >= amount THEN 'filled' ELSE 'partially_filled' END
     WHERE id = $1 RETURNING ${ORDER_COLUMNS}`,
    [fill.orderId, fill.amount, fill.price, fill.fee],
  );
  return rows[0];
}
