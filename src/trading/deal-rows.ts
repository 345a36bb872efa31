import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { clientOrderId } from './client-order-id.js';
import { DealEntity } from './deal.entity.js';
import { deterministicUuid } from '../common/deterministic-id.js';
import type { DealOpening, LegOrder, OpenDealRequest, RecordedDealEvent } from './deals.service.js';
import { OrderEntity } from './order.entity.js';

/**
 * Rows of new deals, orders and timeline events, built in memory and written with one `INSERT … SELECT unnest(…)`
 * per table however many there are: the notifier opens hundreds of deals in one transaction. A single row goes
 * through the same statements, so one deal and many are written alike.
 */

/** A deal's order, `pending`, under the client order id fixed by (bot, deal, leg, sequence); its id is chosen here. */
export function newOrder(deal: Pick<DealEntity, 'id' | 'botId' | 'exchangeAccountId' | 'triggerId' | 'symbol'>, leg: LegOrder): OrderEntity {
  return Object.assign(new OrderEntity(), {
    id: randomUUID(),
    clientOrderId: clientOrderId(deal.botId, deal.id, `${leg.leg}${leg.legIndex}`, leg.sequence),
    exchangeAccountId: deal.exchangeAccountId, botId: deal.botId, dealId: deal.id, triggerId: deal.triggerId,
    symbol: deal.symbol, side: leg.side, type: leg.type, leg: leg.leg, legIndex: leg.legIndex,
    price: leg.price ?? null, amount: leg.amount ?? null, quoteAmount: leg.quoteAmount ?? null,
    status: 'pending', decidedAt: new Date(leg.decidedAt), cancelRequestedAt: null,
    filled: 0, average: null, fee: 0, feeCurrency: null, exchangeOrderId: null, error: null,
    sendStartedAt: null, attempts: 0, nextAttemptAt: null, notFoundCount: 0, firstNotFoundAt: null,
  });
}

/**
 * A new deal (its id fixed by bot and trigger, so a second opening for the same trigger cannot be written), its base
 * order, and its `opened` event.
 */
export function newOpening(request: OpenDealRequest): DealOpening {
  const deal = Object.assign(new DealEntity(), {
    id: deterministicUuid('deal', request.botId, request.triggerId ?? request.decidedAt), botId: request.botId,
    exchangeAccountId: request.exchangeAccountId, symbol: request.symbol, direction: request.direction, status: 'open', phase: 'opening',
    triggerId: request.triggerId, openedAt: new Date(request.decidedAt), settings: { ...request.settings },
    amount: 0, cost: 0, averageEntry: null, fees: 0, realizedPnl: 0,
    entryAmount: 0, entryValue: 0, entryFees: 0, exitAmount: 0, exitValue: 0, exitFees: 0, safetyOrdersFilled: 0,
  } satisfies Partial<DealEntity>);
  const { price, quoteAmount, type, referencePrice } = request.baseOrder;
  const order = newOrder(deal, {
    leg: 'base', legIndex: 0, sequence: 0, side: request.direction === 'long' ? 'buy' : 'sell', type,
    // A limit order is sized in base currency at its price; a market buy spends its quote amount.
    ...(price ? { price, amount: quoteAmount / price } : request.direction === 'long' ? { quoteAmount } : referencePrice ? { amount: quoteAmount / referencePrice } : {}),
    decidedAt: request.decidedAt,
  });
  const event: RecordedDealEvent = { dealId: deal.id, at: request.decidedAt, type: 'opened', reason: `trigger ${request.triggerId ?? 'none'}`, data: { baseOrderId: order.id } };
  return { deal, order, event };
}

export async function insertDeals(manager: EntityManager, deals: DealEntity[]): Promise<void> {
  if (deals.length === 0) return;
  const col = <K extends keyof DealEntity>(key: K) => deals.map((deal) => deal[key]);
  await manager.query(
    `INSERT INTO deals (id, bot_id, exchange_account_id, symbol, direction, status, phase, trigger_id, opened_at, settings,
                        amount, cost, average_entry, fees, realized_pnl, entry_amount, entry_value, entry_fees,
                        exit_amount, exit_value, exit_fees, safety_orders_filled)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::uuid[],
                          $9::timestamptz[], $10::jsonb[], $11::numeric[], $12::numeric[], $13::numeric[], $14::numeric[],
                          $15::numeric[], $16::numeric[], $17::numeric[], $18::numeric[], $19::numeric[], $20::numeric[],
                          $21::numeric[], $22::int[])`,
    [
      col('id'), col('botId'), col('exchangeAccountId'), col('symbol'), col('direction'), col('status'), col('phase'), col('triggerId'),
      col('openedAt'), deals.map((deal) => JSON.stringify(deal.settings)), col('amount'), col('cost'), col('averageEntry'), col('fees'),
      col('realizedPnl'), col('entryAmount'), col('entryValue'), col('entryFees'), col('exitAmount'), col('exitValue'), col('exitFees'),
      col('safetyOrdersFilled'),
    ],
  );
}

export async function insertOrders(manager: EntityManager, orders: OrderEntity[]): Promise<void> {
  if (orders.length === 0) return;
  const col = <K extends keyof OrderEntity>(key: K) => orders.map((order) => order[key]);
  await manager.query(
    `INSERT INTO orders (id, client_order_id, exchange_account_id, bot_id, deal_id, trigger_id, symbol, side, type, leg, leg_index,
                         price, amount, quote_amount, status, decided_at)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::text[], $8::text[], $9::text[],
                          $10::text[], $11::int[], $12::numeric[], $13::numeric[], $14::numeric[], $15::text[], $16::timestamptz[])`,
    [
      col('id'), col('clientOrderId'), col('exchangeAccountId'), col('botId'), col('dealId'), col('triggerId'), col('symbol'), col('side'),
      col('type'), col('leg'), col('legIndex'), col('price'), col('amount'), col('quoteAmount'), col('status'), col('decidedAt'),
    ],
  );
}

export async function insertEvents(manager: EntityManager, events: RecordedDealEvent[]): Promise<void> {
  if (events.length === 0) return;
  await manager.query(
    `INSERT INTO deal_events (deal_id, at, type, reason, data)
     SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::jsonb[])`,
    [events.map((e) => e.dealId), events.map((e) => new Date(e.at)), events.map((e) => e.type), events.map((e) => e.reason), events.map((e) => JSON.stringify(e.data))],
  );
}
