import type { OrderEntity } from './order.entity.js';

export function toOrderView(order: OrderEntity) {
  return {
    id: order.id,
    clientOrderId: order.clientOrderId,
    exchangeOrderId: order.exchangeOrderId,
    exchangeAccountId: order.exchangeAccountId,
    botId: order.botId,
    dealId: order.dealId,
    triggerId: order.triggerId,
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    price: order.price,
    amount: order.amount,
    quoteAmount: order.quoteAmount,
    status: order.status,
    filled: order.filled,
    average: order.average,
    fee: order.fee,
    feeCurrency: order.feeCurrency,
    error: order.error,
    decidedAt: order.decidedAt.toISOString(),
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

export type OrderView = ReturnType<typeof toOrderView>;
