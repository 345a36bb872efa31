import type { OrderRequest } from '../exchange/index.js';
import type { OrderEntity } from './order.entity.js';

/** The request an order is sent as: its fixed client order id, and the decision time a paper exchange prices it at. */
export function toRequest(order: OrderEntity): OrderRequest {
  return {
    clientOrderId: order.clientOrderId,
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    amount: order.amount ?? undefined,
    quoteAmount: order.quoteAmount ?? undefined,
    price: order.price ?? undefined,
    decidedAt: order.decidedAt.getTime(),
  };
}

/** An error as the order's `error` column keeps it. */
export function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 500) : String(error);
}
