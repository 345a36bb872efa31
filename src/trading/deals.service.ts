import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { deterministicUuid } from '../common/deterministic-id.js';
import { clientOrderId } from './client-order-id.js';
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

const ENTRY_LEGS = new Set<OrderLeg>(['base', 'safety', 'grid_buy']);

/** Deals, their orders and their timeline, written inside the caller's transaction. */
@Injectable()
export class DealsService {
  async openDeals(manager: EntityManager, botId: string): Promise<DealEntity[]> {
    return manager.find(DealEntity, { where: { botId, status: 'open' } });
  }

  /** Records a new deal and its base order as `pending`; the order is sent after the transaction commits. */
  async openDeal(manager: EntityManager, request: OpenDealRequest): Promise<{ deal: DealEntity; order: OrderEntity }> {
    const dealId = deterministicUuid('deal', request.botId, request.triggerId ?? request.decidedAt);
    const deal = manager.create(DealEntity, {
      id: dealId, botId: request.botId, exchangeAccountId: request.exchangeAccountId, symbol: request.symbol,
      direction: request.direction, status: 'open', phase: 'opening', triggerId: request.triggerId,
      openedAt: new Date(request.decidedAt), settings: { ...request.settings },
      amount: 0, cost: 0, averageEntry: null, fees: 0, realizedPnl: 0,
      entryAmount: 0, entryValue: 0, entryFees: 0, exitAmount: 0, exitValue: 0, exitFees: 0, safetyOrdersFilled: 0,
    });
    await manager.insert(DealEntity, deal);
    const { price, quoteAmount, type, referencePrice } = request.baseOrder;
    const order = await this.placeOrder(manager, deal, {
      leg: 'base', legIndex: 0, sequence: 0, side: request.direction === 'long' ? 'buy' : 'sell', type,
      // A limit order is sized in base currency at its price; a market buy spends its quote amount.
      ...(price ? { price, amount: quoteAmount / price } : request.direction === 'long' ? { quoteAmount } : referencePrice ? { amount: quoteAmount / referencePrice } : {}),
      decidedAt: request.decidedAt,
    });
    await this.recordEvent(manager, deal.id, request.decidedAt, 'opened', `trigger ${request.triggerId ?? 'none'}`, { baseOrderId: order.id });
    return { deal, order };
  }

  async placeOrder(manager: EntityManager, deal: DealEntity, leg: LegOrder): Promise<OrderEntity> {
    const order = manager.create(OrderEntity, {
      clientOrderId: clientOrderId(deal.botId, deal.id, `${leg.leg}${leg.legIndex}`, leg.sequence),
      exchangeAccountId: deal.exchangeAccountId, botId: deal.botId, dealId: deal.id, triggerId: deal.triggerId,
      symbol: deal.symbol, side: leg.side, type: leg.type, leg: leg.leg, legIndex: leg.legIndex,
      price: leg.price ?? null, amount: leg.amount ?? null, quoteAmount: leg.quoteAmount ?? null,
      status: 'pending', decidedAt: new Date(leg.decidedAt),
    });
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
  }

  /**
   * Counts a fill into its deal. Entry fills build the position and its average; exit fills realize PnL:
   * direction × (exit value − average × exit amount) − exit fees − the entry fees of the part closed.
   */
  /** `filled`, `value` and `fee` are exact decimals (numeric text from Postgres). */
  async applyFill(manager: EntityManager, order: OrderEntity, filled: string, value: string, fee: string): Promise<void> {
    if (!order.dealId || Number(filled) <= 0) return;
    const side = ENTRY_LEGS.has(order.leg) ? 'entry' : 'exit';
    await manager.query(
      `UPDATE deals SET ${side}_amount = ${side}_amount + $2::numeric, ${side}_value = ${side}_value + $3::numeric,
         ${side}_fees = ${side}_fees + $4::numeric, fees = fees + $4::numeric WHERE id = $1`,
      [order.dealId, filled, value, fee],
    );
    await manager.query(
      `UPDATE deals SET amount = entry_amount - exit_amount, cost = entry_value,
         average_entry = entry_value / NULLIF(entry_amount, 0),
         realized_pnl = CASE WHEN exit_amount = 0 THEN 0 ELSE
           (CASE direction WHEN 'long' THEN 1 ELSE -1 END) * (exit_value - entry_value / NULLIF(entry_amount, 0) * exit_amount)
           - exit_fees - entry_fees * exit_amount / NULLIF(entry_amount, 0) END
       WHERE id = $1`,
      [order.dealId],
    );
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
