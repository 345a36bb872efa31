import type { DataSource, EntityManager } from 'typeorm';
import { ExchangeUnavailable, OrderRejected, type OrderAnswer, type OrderRequest } from '../exchange.port.js';
import { PaperLedger, type Amount } from './paper-ledger.js';
import { findByClientIds, ORDER_COLUMNS, toExchangeOrder, type PaperOrderRow } from './paper-order-store.js';
import { paperOrderId, type Arrival, type PaperPlacement } from './paper-placement.js';

/** A balance move of one order: what it takes from `free` (checked against it) and adds to `free` and `used`. */
interface Move {
  asset: string;
  debit: Amount;
  free: Amount;
  used: Amount;
}

/** The batch's debits exceed a free balance: it rolls back and the orders go one by one. */
class ShortOfFunds extends Error {}

const answerOf = (error: unknown): OrderAnswer => {
  if (error instanceof OrderRejected || error instanceof ExchangeUnavailable) return { error };
  throw error;
};

/**
 * New orders of one paper account in one transaction: the orders inserted at once (a fill on arrival in its final
 * state), their fills, and one balance update per asset. Each order is checked and priced by PaperPlacement.decide,
 * as alone. The batch goes through only when the free balances cover all its debits together, in which case every
 * order would have passed its own funds check in any order (credits only add); otherwise the orders are written one
 * by one, each refused for funds on its own, exactly as sequential placement would.
 */
export class PaperBatchPlacement {
  constructor(
    private readonly db: DataSource,
    private readonly accountId: string,
    private readonly placement: PaperPlacement,
  ) {}

  async placeMany(requests: OrderRequest[]): Promise<OrderAnswer[]> {
    const prices = new Map<string, Promise<number>>();
    const answers: OrderAnswer[] = new Array(requests.length);
    const arrivals: Arrival[] = [];
    const decided = await Promise.all(requests.map((r) => this.placement.decide(r, prices).then((arrival) => arrival, answerOf)));
    decided.forEach((d, i) => ('kind' in d ? arrivals.push(d) : (answers[i] = d)));
    const written = await this.write(arrivals);
    // An order not written here was created by a concurrent send of its client order id: answered as it is now.
    const others = await findByClientIds(this.db, this.accountId, arrivals.filter((a) => !written.has(a.request.clientOrderId)).map((a) => a.request.clientOrderId));
    decided.forEach((d, i) => {
      if (!('kind' in d)) return;
      const id = d.request.clientOrderId;
      answers[i] = written.get(id) ?? { order: toExchangeOrder(others.get(id)!) };
    });
    return answers;
  }

  /** All at once when the funds cover them together, else one by one; answers by client order id, none for a lost race. */
  private async write(arrivals: Arrival[]): Promise<Map<string, OrderAnswer>> {
    try {
      const rows = await this.db.transaction((manager) => this.writeAll(manager, arrivals));
      return new Map([...rows].map(([id, row]) => [id, { order: toExchangeOrder(row) }]));
    } catch (error) {
      if (!(error instanceof ShortOfFunds)) throw error;
      const answers = new Map<string, OrderAnswer>();
      for (const arrival of arrivals) {
        const answer = await this.placement.write(arrival).then((order) => order && { order }, answerOf);
        if (answer) answers.set(arrival.request.clientOrderId, answer);
      }
      return answers;
    }
  }

  private async writeAll(manager: EntityManager, arrivals: Arrival[]): Promise<Map<string, PaperOrderRow>> {
    const rows = await this.insertOrders(manager, arrivals);
    const inserted = arrivals.filter((a) => rows.has(a.request.clientOrderId));
    if (inserted.length === 0) return rows;
    const ledger = new PaperLedger(manager, this.accountId);
    await ledger.lock(inserted.flatMap((a) => [a.rules.base, a.rules.quote]));
    const moves = inserted.flatMap(movesOf);
    const column = <K extends keyof Move>(key: K) => moves.map((m) => m[key]);
    const [short] = await manager.query(
      `SELECT m.asset FROM (SELECT asset, sum(debit) AS need FROM unnest($2::text[], $3::numeric[]) AS u(asset, debit) GROUP BY asset) m
       JOIN paper_balances b ON b.exchange_account_id = $1 AND b.asset = m.asset WHERE b.free < m.need LIMIT 1`,
      [this.accountId, column('asset'), column('debit')],
    );
    if (short) throw new ShortOfFunds(short.asset);
    await manager.query(
      `UPDATE paper_balances b SET free = b.free + m.free, used = b.used + m.used
       FROM (SELECT asset, sum(free) AS free, sum(used) AS used FROM unnest($2::text[], $3::numeric[], $4::numeric[]) AS u(asset, free, used) GROUP BY asset) m
       WHERE b.exchange_account_id = $1 AND b.asset = m.asset`,
      [this.accountId, column('asset'), column('free'), column('used')],
    );
    const fills = inserted.filter((a) => a.kind === 'fill');
    if (fills.length > 0) {
      const ids = new Map([...rows.values()].map((row) => [row.client_order_id, row.id]));
      await manager.query(
        `INSERT INTO paper_fills (order_id, candle_open_time, filled_at, liquidity, amount, price, fee)
         SELECT u.order_id, NULL, u.filled_at, 'taker', u.amount, u.price, u.fee
         FROM unnest($1::text[], $2::timestamptz[], $3::numeric[], $4::numeric[], $5::numeric[]) AS u(order_id, filled_at, amount, price, fee)`,
        [fills.map((a) => ids.get(a.request.clientOrderId)), fills.map((a) => new Date(a.request.decidedAt)),
          fills.map((a) => a.amount), fills.map((a) => a.price), fills.map((a) => (a.kind === 'fill' ? a.fee : 0))],
      );
    }
    return rows;
  }

  /**
   * The order rows, in the requests' order, unless their client order id exists. A fill on arrival is written as
   * PaperPlacement's insert followed by its fill would leave it (same numeric expressions for average and fee).
   */
  private async insertOrders(manager: EntityManager, arrivals: Arrival[]): Promise<Map<string, PaperOrderRow>> {
    if (arrivals.length === 0) return new Map();
    const fill = (a: Arrival) => a.kind === 'fill';
    const rows: PaperOrderRow[] = await manager.query(
      `INSERT INTO paper_orders (id, exchange_account_id, client_order_id, symbol, side, type, price, amount, status, reserved, checked_until,
                                 created_at, filled, average, fee)
       SELECT u.id, $1, u.client_order_id, u.symbol, u.side, u.type, u.price, u.amount, CASE WHEN u.fill THEN 'filled' ELSE 'open' END,
              u.reserved, u.placed_at, u.placed_at, CASE WHEN u.fill THEN 0 + u.amount ELSE 0 END,
              CASE WHEN u.fill THEN (0 * 0 + u.amount * u.fill_price) / (0 + u.amount) END, CASE WHEN u.fill THEN 0 + u.fee ELSE 0 END
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::numeric[], $8::numeric[], $9::numeric[], $10::timestamptz[],
                   $11::boolean[], $12::numeric[], $13::numeric[])
            WITH ORDINALITY AS u(id, client_order_id, symbol, side, type, price, amount, reserved, placed_at, fill, fill_price, fee, n)
       ORDER BY u.n
       ON CONFLICT DO NOTHING RETURNING ${ORDER_COLUMNS}`,
      [
        this.accountId, arrivals.map((a) => paperOrderId(this.accountId, a.request.clientOrderId)), arrivals.map((a) => a.request.clientOrderId),
        arrivals.map((a) => a.request.symbol), arrivals.map((a) => a.request.side), arrivals.map((a) => a.request.type),
        arrivals.map((a) => (a.request.type === 'limit' ? a.request.price! : null)), arrivals.map((a) => a.amount),
        arrivals.map((a) => (a.kind === 'rest' ? a.reserved : 0)), arrivals.map((a) => new Date(a.request.decidedAt)), arrivals.map(fill),
        arrivals.map((a) => (fill(a) ? a.price : null)), arrivals.map((a) => (a.kind === 'fill' ? a.fee : 0)),
      ],
    );
    return new Map(rows.map((row) => [row.client_order_id, row]));
  }
}

/** The moves PaperLedger makes for the order alone (settleArrival, or the reservation of a resting order), same amounts. */
function movesOf(arrival: Arrival): Move[] {
  const { rules, amount, price, request } = arrival;
  if (arrival.kind === 'rest') {
    return [{ asset: request.side === 'buy' ? rules.quote : rules.base, debit: arrival.reserved, free: -arrival.reserved, used: arrival.reserved }];
  }
  const cost = amount * price;
  return request.side === 'buy'
    ? [{ asset: rules.quote, debit: cost + arrival.fee, free: -(cost + arrival.fee), used: 0 }, { asset: rules.base, debit: 0, free: amount, used: 0 }]
    : [{ asset: rules.base, debit: amount, free: -amount, used: 0 }, { asset: rules.quote, debit: 0, free: cost - arrival.fee, used: 0 }];
}
