import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { deterministicUuid } from '../common/deterministic-id.js';
import type { ExchangeOrder } from '../exchange/index.js';
import { clientOrderId } from './client-order-id.js';
import { DealEntity } from './deal.entity.js';
import { OrderEntity } from './order.entity.js';

export interface OpenDealRequest {
  botId: string;
  exchangeAccountId: string;
  symbol: string;
  direction: 'long' | 'short';
  triggerId: string | null;
  decidedAt: number;
  baseOrder: { type: 'market' | 'limit'; quoteAmount: number; price?: number };
}

/** Deals and their orders, written inside the caller's transaction so a decision and its records commit together. */
@Injectable()
export class DealsService {
  async openDeals(manager: EntityManager, botId: string): Promise<DealEntity[]> {
    return manager.find(DealEntity, { where: { botId, status: 'open' } });
  }

  /** Records a new deal and its base order as `pending`; the order is sent after the transaction commits. */
  async openDeal(manager: EntityManager, request: OpenDealRequest): Promise<{ deal: DealEntity; order: OrderEntity }> {
    const dealId = deterministicUuid('deal', request.botId, request.triggerId ?? request.decidedAt);
    const deal = manager.create(DealEntity, {
      id: dealId,
      botId: request.botId,
      exchangeAccountId: request.exchangeAccountId,
      symbol: request.symbol,
      direction: request.direction,
      status: 'open',
      triggerId: request.triggerId,
      openedAt: new Date(request.decidedAt),
      amount: 0,
      cost: 0,
      averageEntry: null,
      fees: 0,
      realizedPnl: 0,
    });
    await manager.insert(DealEntity, deal);
    const order = manager.create(OrderEntity, {
      clientOrderId: clientOrderId(request.botId, dealId, 'base', 0),
      exchangeAccountId: request.exchangeAccountId,
      botId: request.botId,
      dealId,
      triggerId: request.triggerId,
      symbol: request.symbol,
      side: request.direction === 'long' ? 'buy' : 'sell',
      type: request.baseOrder.type,
      price: request.baseOrder.price ?? null,
      // A limit order is sized in base currency at its price; a market buy spends its quote amount.
      amount: request.baseOrder.price ? request.baseOrder.quoteAmount / request.baseOrder.price : null,
      quoteAmount: request.baseOrder.type === 'market' ? request.baseOrder.quoteAmount : null,
      status: 'pending',
      decidedAt: new Date(request.decidedAt),
    });
    await manager.insert(OrderEntity, order);
    return { deal, order };
  }

  /** Counts what an order filled into its deal: amount, cost, fees and the average entry from actual fills. */
  async applyFill(manager: EntityManager, order: OrderEntity, filledNow: number, costNow: number, feeNow: number): Promise<void> {
    if (!order.dealId || filledNow === 0) return;
    await manager.query(
      `UPDATE deals SET amount = amount + $2, cost = cost + $3, fees = fees + $4,
         average_entry = (cost + $3) / NULLIF(amount + $2, 0) WHERE id = $1`,
      [order.dealId, filledNow, costNow, feeNow],
    );
  }

  /** A deal whose base order the exchange refused never opened: it is canceled with the reason. */
  async cancelUnopened(manager: EntityManager, dealId: string, reason: string, at: Date): Promise<void> {
    await manager.query(
      `UPDATE deals SET status = 'canceled', close_reason = $2, closed_at = $3 WHERE id = $1 AND amount = 0 AND status = 'open'`,
      [dealId, reason, at],
    );
  }
}

export function fillDelta(order: OrderEntity, answer: ExchangeOrder): { filled: number; cost: number; fee: number } {
  const filled = answer.filled - order.filled;
  const cost = answer.filled * (answer.average ?? 0) - order.filled * (order.average ?? 0);
  return { filled, cost, fee: answer.fee - order.fee };
}
