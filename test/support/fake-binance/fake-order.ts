/** The fake's orders and fills, with Binance's field names and numbers instead of its 8-place strings. */

export interface FakeFill {
  price: number;
  qty: number;
  commission: number;
  commissionAsset: string;
  tradeId: number;
  time: number;
  /** Filled while resting on the book (by `fill`), not on arrival. */
  isMaker: boolean;
}

export interface FakeOrder {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  side: 'BUY' | 'SELL';
  type: 'LIMIT' | 'MARKET';
  timeInForce: string;
  price: number;
  origQty: number;
  origQuoteOrderQty: number;
  executedQty: number;
  cummulativeQuoteQty: number;
  status: 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED';
  time: number;
  updateTime: number;
  fills: FakeFill[];
  /** GET /api/v3/order answers "does not exist" this many more times: exchanges report fresh orders late. */
  hiddenLookups: number;
}

export interface NewOrder {
  symbol: string;
  side: 'BUY' | 'SELL';
  type: 'LIMIT' | 'MARKET';
  clientOrderId: string;
  timeInForce: string;
  qty?: number;
  quoteOrderQty?: number;
  price?: number;
}

export function isOpen(order: FakeOrder): boolean {
  return order.status === 'NEW' || order.status === 'PARTIALLY_FILLED';
}
