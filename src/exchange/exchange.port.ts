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

/** The exchange's view of an order; `filled`, `average` and `fee` are cumulative. */
export interface ExchangeOrder {
  exchangeOrderId: string;
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  type: 'market' | 'limit';
  price: number | null;
  status: ExchangeOrderStatus;
  amount: number;
  filled: number;
  average: number | null;
  fee: number;
  feeCurrency: string;
}

/** A market's trading rules: every order is rounded to the steps and checked against the minimums before it is sent. */
export interface MarketRules {
  symbol: string;
  base: string;
  quote: string;
  /** Smallest amount increment, e.g. 0.00001 BTC. */
  amountStep: number;
  /** Smallest price increment (tick), e.g. 0.01 USDT. */
  priceStep: number;
  minAmount: number | null;
  /** Minimum notional (amount × price) in quote currency. */
  minCost: number | null;
  maxAmount: number | null;
}

export type Balances = Record<string, { free: number; used: number; total: number }>;

export type RejectReason = 'insufficient_funds' | 'invalid_order' | 'below_minimum' | 'no_price' | 'unknown_market' | 'exchange_error';

/** The exchange said no for a reason that retrying will not change (funds, order rules): recorded, never retried. */
export class OrderRejected extends Error {
  constructor(
    readonly reason: RejectReason,
    message: string,
  ) {
    super(message);
    this.name = 'OrderRejected';
  }
}

/**
 * The exchange could not be reached or asked us to slow down: retry later with backoff.
 * During order placement the outcome is unknown: the order may exist; look it up before any resend.
 */
export class ExchangeUnavailable extends Error {
  constructor(
    readonly kind: 'network' | 'timeout' | 'rate_limit' | 'maintenance',
    message: string,
    /** From a Retry-After answer, when the exchange gave one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ExchangeUnavailable';
  }
}

/** One order's answer in a batch: what `createOrder` would have answered, or the error it would have thrown. */
export type OrderAnswer = { order: ExchangeOrder } | { error: OrderRejected | ExchangeUnavailable };

/** One exchange account's trading connection. Implementations never retry order placement by themselves. */
export abstract class ExchangeGateway {
  abstract marketRules(symbol: string): Promise<MarketRules>;
  /** Places the order (already rounded and checked by `prepareOrder`). Throws OrderRejected or ExchangeUnavailable. */
  abstract createOrder(request: OrderRequest): Promise<ExchangeOrder>;
  /**
   * Optional: places several orders at once, answering each (in the requests' order) as `createOrder` would. For a
   * venue that can take them in one go (the paper exchange writes them in one transaction). Throwing means nothing
   * is known of any of them, as when `createOrder` throws.
   */
  createOrders?(requests: OrderRequest[]): Promise<OrderAnswer[]>;
  /** The order with this client order id, open or closed, or null when the exchange does not know it (yet). */
  abstract fetchOrder(symbol: string, clientOrderId: string): Promise<ExchangeOrder | null>;
  abstract cancelOrder(symbol: string, clientOrderId: string): Promise<ExchangeOrder>;
  abstract fetchOpenOrders(symbol?: string): Promise<ExchangeOrder[]>;
  abstract fetchBalance(): Promise<Balances>;
}

/** Gives the gateway of an exchange account: paper accounts get the paper exchange, others ccxt. */
export abstract class ExchangeConnector {
  abstract gateway(exchangeAccountId: string): Promise<ExchangeGateway>;
}

export function splitSymbol(symbol: string): { base: string; quote: string } {
  const [base, quote] = symbol.split('/');
  return { base, quote: quote.split(':')[0] };
}
