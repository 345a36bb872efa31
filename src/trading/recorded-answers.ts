import type { EntityManager } from 'typeorm';
import { selectEntities } from '../common/entity-rows.js';
import type { ExchangeOrder } from '../exchange/index.js';
import type { DealsService } from './deals.service.js';
import { OrderEntity } from './order.entity.js';

export interface OrderAnswerToRecord {
  orderId: string;
  answer: ExchangeOrder;
}

const text = (value: number | null) => (value === null ? null : String(value));

/**
 * What OrderRecorder.record writes for one answer, for many at once inside the caller's transaction: the orders'
 * deals locked first and then the orders (both in id order, so two writers never wait on each other crosswise), the
 * new part of each fill computed in Postgres `numeric` against what was recorded, the fills, their deals' sums, and
 * the orders' new state. Returns the orders as updated (in id order) with the status each had before.
 */
export async function recordAnswers(manager: EntityManager, deals: DealsService, items: OrderAnswerToRecord[]): Promise<{ order: OrderEntity; from: string }[]> {
  const answers = new Map(items.map((item) => [item.orderId, item.answer]));
  const ids = [...answers.keys()];
  await manager.query(`SELECT 1 FROM deals WHERE id IN (SELECT deal_id FROM orders WHERE id = ANY($1::uuid[])) ORDER BY id FOR UPDATE`, [ids]);
  const orders = await selectEntities(manager, OrderEntity, 'o', (columns) => `SELECT ${columns} FROM orders o WHERE o.id = ANY($1::uuid[]) ORDER BY o.id FOR UPDATE`, [ids]);
  const column = (pick: (a: ExchangeOrder) => number | null) => orders.map((o) => text(pick(answers.get(o.id)!)));
  const deltas: { id: string; filled: string; value: string; fee: string }[] = await manager.query(
    `SELECT o.id, (u.filled - o.filled) AS filled, (u.filled * coalesce(u.average, 0) - o.filled * coalesce(o.average, 0)) AS value, (u.fee - o.fee) AS fee
     FROM unnest($1::uuid[], $2::numeric[], $3::numeric[], $4::numeric[]) AS u(id, filled, average, fee) JOIN orders o ON o.id = u.id`,
    [orders.map((o) => o.id), column((a) => a.filled), column((a) => a.average), column((a) => a.fee)],
  );
  const byId = new Map(orders.map((o) => [o.id, o]));
  const fills = deltas.filter((d) => Number(d.filled) > 0);
  if (fills.length > 0) {
    await manager.query(
      `INSERT INTO fills (order_id, amount, price, fee, fee_currency)
       SELECT u.id, u.amount, u.value / u.amount, u.fee, u.currency FROM unnest($1::uuid[], $2::numeric[], $3::numeric[], $4::numeric[], $5::text[]) AS u(id, amount, value, fee, currency)`,
      [fills.map((d) => d.id), fills.map((d) => d.filled), fills.map((d) => d.value), fills.map((d) => d.fee), fills.map((d) => answers.get(d.id)!.feeCurrency)],
    );
    await deals.applyFills(manager, fills.map((d) => ({ order: byId.get(d.id)!, filled: d.filled, value: d.value, fee: d.fee })));
  }
  const before = orders.map((order) => order.status);
  // The entities read under the lock become the orders as recorded (what the listeners hear of).
  for (const order of orders) {
    const answer = answers.get(order.id)!;
    order.price = answer.price ?? order.price;
    order.filled = Math.max(answer.filled, order.filled);
    Object.assign(order, {
      status: answer.status, exchangeOrderId: answer.exchangeOrderId, amount: answer.amount, average: answer.average, fee: answer.fee,
      feeCurrency: answer.feeCurrency, nextAttemptAt: null, notFoundCount: 0, firstNotFoundAt: null, error: null,
    });
  }
  const col = <K extends keyof OrderEntity>(key: K) => orders.map((order) => order[key]);
  await manager.query(
    `UPDATE orders o SET status = u.status, exchange_order_id = u.exchange_order_id, amount = u.amount, price = u.price, filled = u.filled,
       average = u.average, fee = u.fee, fee_currency = u.fee_currency, next_attempt_at = NULL, not_found_count = 0, first_not_found_at = NULL,
       error = NULL, updated_at = now()
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[], $8::numeric[], $9::text[])
       AS u(id, status, exchange_order_id, amount, price, filled, average, fee, fee_currency)
     WHERE o.id = u.id`,
    [col('id'), col('status'), col('exchangeOrderId'), col('amount'), col('price'), col('filled'), col('average'), col('fee'), col('feeCurrency')],
  );
  return orders.map((order, i) => ({ order, from: before[i] }));
}
