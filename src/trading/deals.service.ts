import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { selectEntities } from '../common/entity-rows.js';
import { applyFills, type FillDelta } from './deal-fills.js';
import { insertDeals, insertEvents, insertOrders, newOpening, newOrder } from './deal-rows.js';
import { DealEntity } from './deal.entity.js';
import { OrderEntity, type OrderLeg } from './order.entity.js';

export interface OpenDealRequest {
  botId: string;
  exchangeAccountId: string;
  symbol: string;
  direction: 'long' | 'short';
  triggerId: string | null;
  decidedAt: number;
  settings?: object;
  /** `referencePrice` (the decision's price) sizes a market sell in base currency: a short's market entry. */
  baseOrder: { type: 'market' | 'limit'; quoteAmount: number; price?: number; referencePrice?: number };
}

export interface LegOrder {
  leg: OrderLeg;
  legIndex: number;
  /** Bumped when a leg is replaced (a take profit moved after a fill), so each order keeps a fresh client id. */
  sequence: number;
  side: 'buy' | 'sell';
  type: 'market' | 'limit';
  amount?: number;
  price?: number;
  quoteAmount?: number;
  decidedAt: number;
}

/** A timeline entry as recorded, handed to the hooks registered with `onEvent`. */
export interface RecordedDealEvent {
  dealId: string;
  at: number;
  type: string;
  reason: string | null;
  data: Record<string, unknown>;
}

/** A deal about to open, with its base order and `opened` event, built by `prepareOpening`. */
export interface DealOpening {
  deal: DealEntity;
  order: OrderEntity;
  event: RecordedDealEvent;
}

/** Runs inside the transaction that records the event: what it writes commits or rolls back with the event. */
export type DealEventHook = (manager: EntityManager, event: RecordedDealEvent) => Promise<void>;

/** DealEventHook for the events recorded together (a chunk of deals opened by one trigger): one call for all of them. */
export type DealEventsHook = (manager: EntityManager, events: RecordedDealEvent[]) => Promise<void>;

/** Deals, their orders and their timeline, written inside the caller's transaction. */
@Injectable()
export class DealsService {
  private readonly hooks: DealEventHook[] = [];
  private readonly batchHooks: DealEventsHook[] = [];

  /** Lets another module react to every timeline event (webhooks enqueue their outbox rows) without trading knowing it. */
  onEvent(hook: DealEventHook): void {
    this.hooks.push(hook);
  }

  /**
   * `onEvent` in batches: the hook hears of the events recorded together at once (hundreds when a trigger opens deals
   * for a chunk of bots), so that it can do one query for all of them instead of one per event.
   */
  onEvents(hook: DealEventsHook): void {
    this.batchHooks.push(hook);
  }

  async openDeals(manager: EntityManager, botId: string): Promise<DealEntity[]> {
    return manager.find(DealEntity, { where: { botId, status: 'open' } });
  }

  /** `openDeals` of many bots in one query; a bot without an open deal is absent. */
  async openDealsOf(manager: EntityManager, botIds: string[]): Promise<Map<string, DealEntity[]>> {
    const byBot = new Map<string, DealEntity[]>();
    if (botIds.length === 0) return byBot;
    const deals = await selectEntities(manager, DealEntity, 'd', (columns) => `SELECT ${columns} FROM deals d WHERE d.bot_id = ANY($1::uuid[]) AND d.status = 'open'`, [botIds]);
    for (const deal of deals) {
      byBot.set(deal.botId, [...(byBot.get(deal.botId) ?? []), deal]);
    }
    return byBot;
  }

  /** Records a new deal and its base order as `pending`; the order is sent after the transaction commits. */
  async openDeal(manager: EntityManager, request: OpenDealRequest): Promise<{ deal: DealEntity; order: OrderEntity }> {
    const opening = this.prepareOpening(request);
    await this.insertOpenings(manager, [opening]);
    return opening;
  }

  /** A new deal, its base order and its `opened` event, in memory: what `openDeal` writes, for `insertOpenings`. */
  prepareOpening(request: OpenDealRequest): DealOpening {
    return newOpening(request);
  }

  /** Writes many openings with one statement per table (deals, orders, events), then runs the event hooks. */
  async insertOpenings(manager: EntityManager, openings: DealOpening[]): Promise<void> {
    await insertDeals(manager, openings.map((o) => o.deal));
    await insertOrders(manager, openings.map((o) => o.order));
    await this.recordEvents(manager, openings.map((o) => o.event));
  }

  async placeOrder(manager: EntityManager, deal: DealEntity, leg: LegOrder): Promise<OrderEntity> {
    const order = newOrder(deal, leg);
    await manager.insert(OrderEntity, order);
    return order;
  }

  /** Marks orders for cancellation; the placer sends the cancels and records how each ended. */
  async requestCancel(manager: EntityManager, orderIds: string[], at: Date): Promise<void> {
    if (orderIds.length === 0) return;
    await manager.query(
      `UPDATE orders SET cancel_requested_at = $2 WHERE id = ANY($1::uuid[]) AND cancel_requested_at IS NULL
         AND status IN ('pending', 'open', 'partially_filled')`,
      [orderIds, at],
    );
  }

  async recordEvent(manager: EntityManager, dealId: string, at: number, type: string, reason: string | null, data: Record<string, unknown> = {}): Promise<void> {
    await manager.query(`INSERT INTO deal_events (deal_id, at, type, reason, data) VALUES ($1, $2, $3, $4, $5)`, [dealId, new Date(at), type, reason, data]);
    for (const hook of this.hooks) await hook(manager, { dealId, at, type, reason, data });
    for (const hook of this.batchHooks) await hook(manager, [{ dealId, at, type, reason, data }]);
  }

  /** `recordEvent` for many events: one multi-row insert (in the order given), then the hooks (batch hooks once). */
  async recordEvents(manager: EntityManager, events: RecordedDealEvent[]): Promise<void> {
    if (events.length === 0) return;
    await insertEvents(manager, events);
    for (const event of events) for (const hook of this.hooks) await hook(manager, event);
    for (const hook of this.batchHooks) await hook(manager, events);
  }

  /**
   * Counts a fill into its deal. Entry fills build the position and its average; exit fills realize PnL:
   * direction × (exit value − average × exit amount) − exit fees − the entry fees of the part closed.
   * `filled`, `value` and `fee` are exact decimals (numeric text from Postgres).
   */
  async applyFill(manager: EntityManager, order: OrderEntity, filled: string, value: string, fee: string): Promise<void> {
    await applyFills(manager, [{ order, filled, value, fee }]);
  }

  /** `applyFill` for many fills (their deals locked by the caller): two statements however many deals. */
  async applyFills(manager: EntityManager, fills: FillDelta[]): Promise<void> {
    await applyFills(manager, fills);
  }

  /** Ends a deal: `closed` when its position is gone, `canceled` when it never opened or was abandoned on purpose. */
  async finish(manager: EntityManager, dealId: string, status: 'closed' | 'canceled', reason: string, at: number): Promise<void> {
    await manager.query(
      `UPDATE deals SET status = $2, phase = 'done', close_reason = $3, closed_at = $4 WHERE id = $1 AND status = 'open'`,
      [dealId, status, reason, new Date(at)],
    );
    await this.recordEvent(manager, dealId, at, status, reason);
  }

  /**
   * Marks an open deal to be closed at market, decided at market time `at` (which the closing order is priced at);
   * false when it is already closing or over. The deal's owner brings its orders in line once this has committed.
   */
  async markClosing(manager: EntityManager, dealId: string, reason: string, at: number): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `WITH requested AS (UPDATE deals SET phase = 'closing', close_requested_reason = $2, checked_until = $3
         WHERE id = $1 AND status = 'open' AND phase <> 'closing' RETURNING id) SELECT id FROM requested`,
      [dealId, reason, new Date(at)],
    );
    if (rows.length > 0) await this.recordEvent(manager, dealId, at, 'close_requested', reason);
    return rows.length > 0;
  }

  /**
   * Abandons an open deal on purpose: it ends `canceled` with its position left as it is, and every unfinished order
   * is marked for cancellation. Returns those orders, for the placer to cancel once this has committed.
   */
  async abandon(manager: EntityManager, dealId: string, reason: string, at: number): Promise<string[]> {
    const [deal] = await manager.query(`SELECT status FROM deals WHERE id = $1 FOR UPDATE`, [dealId]);
    if (deal?.status !== 'open') return [];
    const unfinished: { id: string }[] = await manager.query(
      `SELECT id FROM orders WHERE deal_id = $1 AND status IN ('pending', 'open', 'partially_filled')`, [dealId],
    );
    const ids = unfinished.map((o) => o.id);
    await this.requestCancel(manager, ids, new Date(at));
    await this.finish(manager, dealId, 'canceled', reason, at);
    return ids;
  }

  /** A deal whose base order the exchange refused never opened: it is canceled with the reason. */
  async cancelUnopened(manager: EntityManager, dealId: string, reason: string, at: Date): Promise<void> {
    const [deal] = await manager.query(`SELECT entry_amount FROM deals WHERE id = $1 AND status = 'open'`, [dealId]);
    if (deal && Number(deal.entry_amount) === 0) await this.finish(manager, dealId, 'canceled', reason, at.getTime());
  }
}
