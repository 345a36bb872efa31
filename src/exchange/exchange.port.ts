/** What the app asks an exchange to do. Amounts in base currency; `quoteAmount` sizes a market buy by what it spends. */
export interface OrderRequest {
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  type: 'market' | 'limit';
  amount?: number;
  quoteAmount?: number;
  price?: number;
  /** Market time of the decision: a paper exchange fills a market order at the price of that moment. */
  decidedAt: number;
}

export type ExchangeOrderStatus = 'open' | 'partially_filled' | 'filled' | 'canceled' | 'rejected';

/** The exchange's view of an order. */
export interface ExchangeOrder {
  exchangeOrderId: string;
  clientOrderId: string;
  status: ExchangeOrderStatus;
  amount: number;
  filled: number;
  average: number | null;
  fee: number;
  feeCurrency: string;
  error?: string;
}

/** The exchange said no for a reason that retrying will not change (funds, order rules): recorded, never retried. */
export class OrderRejected extends Error {
  constructor(
    readonly reason: 'insufficient_funds' | 'invalid_order' | 'no_price' | 'exchange_error',
    message: string,
  ) {
    super(message);
  }
}

/** One exchange account's trading connection. */
export abstract class ExchangeGateway {
  /** Places the order, or returns the one already placed under the same client order id (never two). */
  abstract createOrder(request: OrderRequest): Promise<ExchangeOrder>;
  abstract fetchOrderByClientId(symbol: string, clientOrderId: string): Promise<ExchangeOrder | null>;
  abstract fetchBalance(): Promise<Record<string, { free: number; used: number }>>;
}

/** Gives the gateway of an exchange account: paper accounts get the paper exchange, others ccxt. */
export abstract class ExchangeConnector {
  abstract gateway(exchangeAccountId: string): Promise<ExchangeGateway>;
}

export function splitSymbol(symbol: string): { base: string; quote: string } {
  const [base, quote] = symbol.split('/');
  return { base, quote: quote.split(':')[0] };
}
