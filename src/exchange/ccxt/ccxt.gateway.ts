import { Logger } from '@nestjs/common';
import { OrderNotFound, type Dictionary, type Exchange, type Market, type Order } from 'ccxt';
import { ExchangeGateway, OrderRejected, type Balances, type ExchangeOrder, type MarketRules, type OrderRequest } from '../exchange.port.js';
import { toGatewayError } from './ccxt-errors.js';
import { orderFees, toBalances, toExchangeOrder, toMarketRules, type OrderContext } from './ccxt-order-mapping.js';

export interface CcxtGatewayOptions {
  /** Markets (steps, minimums, listings) are reloaded when older than this; default one hour. */
  marketsTtlMs?: number;
  now?: () => number;
}

/**
 * One exchange account through a ccxt instance (created elsewhere, with its rate limiter on).
 * Sends each createOrder exactly once: ccxt resends a request only when `maxRetriesOnFailure` is set (it is 0 by
 * default), and this gateway pins it to 0 on every order placement so that no instance option can turn it on.
 * An unknown outcome surfaces as ExchangeUnavailable, and the caller looks the order up by its client id.
 */
export class CcxtGateway extends ExchangeGateway {
  private readonly logger = new Logger(CcxtGateway.name);
  private readonly marketsTtlMs: number;
  private readonly now: () => number;
  private markets?: Promise<Dictionary<Market>>;
  private marketsLoadedAt = 0;

  constructor(
    private readonly exchange: Exchange,
    options: CcxtGatewayOptions = {},
  ) {
    super();
    this.marketsTtlMs = options.marketsTtlMs ?? 3_600_000;
    this.now = options.now ?? Date.now;
    // fetchOpenOrders(undefined) is a deliberate, rarer call here; binance refuses it unless acknowledged.
    const openOrders = (exchange.options.fetchOpenOrders ?? {}) as Record<string, unknown>;
    exchange.options.fetchOpenOrders = { ...openOrders, warnWithoutSymbol: false };
  }

  async marketRules(symbol: string): Promise<MarketRules> {
    const markets = await this.loadMarkets();
    const market = markets[symbol];
    if (!market) throw new OrderRejected('unknown_market', `${this.exchange.id} has no market ${symbol}`);
    return toMarketRules(market, this.exchange.precisionMode, this.exchange.id);
  }

  async createOrder(request: OrderRequest): Promise<ExchangeOrder> {
    const { symbol, side, type, clientOrderId } = request;
    // ccxt maps clientOrderId to Binance's newClientOrderId; the retry count reaches fetch2, which drops it from the request.
    const params = { clientOrderId, maxRetriesOnFailure: 0 };
    const order = await this.call(`createOrder ${side} ${type} ${symbol} ${clientOrderId}`, () => {
      if (type === 'market' && request.amount === undefined) {
        if (request.quoteAmount === undefined) throw new OrderRejected('invalid_order', `order ${clientOrderId} has no amount`);
        // Binance's quoteOrderQty: spend this much quote currency.
        return this.exchange.createMarketOrderWithCost(symbol, side, request.quoteAmount, params);
      }
      if (request.amount === undefined) throw new OrderRejected('invalid_order', `limit order ${clientOrderId} has no amount`);
      // A price on a market order would make ccxt turn it into a quoteOrderQty of amount × price: it is left out.
      return this.exchange.createOrder(symbol, type, side, request.amount, type === 'limit' ? request.price : undefined, params);
    });
    return toExchangeOrder(order, request);
  }

  async fetchOrder(symbol: string, clientOrderId: string): Promise<ExchangeOrder | null> {
    let order: Order;
    try {
      // With a client order id in params, ccxt asks by origClientOrderId and ignores the (empty) order id.
      order = await this.call(`fetchOrder ${symbol} ${clientOrderId}`, () => this.exchange.fetchOrder('', symbol, { clientOrderId }), true);
    } catch (error) {
      if (error instanceof OrderNotFound) return null;
      throw error;
    }
    return this.withFees(order, { clientOrderId, symbol });
  }

  async cancelOrder(symbol: string, clientOrderId: string): Promise<ExchangeOrder> {
    try {
      const order = await this.call(`cancelOrder ${symbol} ${clientOrderId}`, () => this.exchange.cancelOrder('', symbol, { clientOrderId }), true);
      return await this.withFees(order, { clientOrderId, symbol });
    } catch (error) {
      if (!(error instanceof OrderNotFound)) throw error;
    }
    // Binance answers "Unknown order sent." for orders that are already filled or canceled too: show how it ended.
    const order = await this.fetchOrder(symbol, clientOrderId);
    if (order) return order;
    throw new OrderRejected('invalid_order', `${this.exchange.id} cancelOrder ${symbol}: no order ${clientOrderId}`);
  }

  async fetchOpenOrders(symbol?: string): Promise<ExchangeOrder[]> {
    const orders = await this.call(`fetchOpenOrders ${symbol ?? 'all symbols'}`, () => this.exchange.fetchOpenOrders(symbol));
    return Promise.all(orders.map((order: Order) => this.withFees(order, { symbol: order.symbol ?? symbol })));
  }

  async fetchBalance(): Promise<Balances> {
    return toBalances(await this.call('fetchBalance', () => this.exchange.fetchBalance()));
  }

  /**
   * The port's order with its cumulative fee. An answer with fills but no fees (Binance's order look-ups and cancels
   * never carry them; only the placement answer does) costs one more request, for the order's trades.
   * Not used on placement: its answer has the fills, and a failed extra request must not hide a placed order.
   */
  private async withFees(order: Order, context: OrderContext): Promise<ExchangeOrder> {
    const symbol = order.symbol ?? context.symbol;
    if (!order.filled || orderFees(order).length > 0 || !this.exchange.has.fetchOrderTrades || !order.id || !symbol) {
      return toExchangeOrder(order, context);
    }
    const trades = await this.call(`fetchOrderTrades ${symbol} ${order.id}`, () => this.exchange.fetchOrderTrades(order.id!, symbol));
    return toExchangeOrder(order, context, trades);
  }

  /** Loads markets once, and again once they are older than the TTL; concurrent callers share one load. */
  private loadMarkets(): Promise<Dictionary<Market>> {
    const now = this.now();
    if (!this.markets || now - this.marketsLoadedAt >= this.marketsTtlMs) {
      const reload = this.markets !== undefined;
      if (reload) this.logger.log({ exchange: this.exchange.id }, 'reloading markets');
      this.marketsLoadedAt = now;
      const loading = this.call('loadMarkets', () => this.exchange.loadMarkets(reload));
      this.markets = loading;
      // A failed load is not kept: the next call tries again.
      loading.catch(() => {
        if (this.markets === loading) this.markets = undefined;
      });
    }
    return this.markets;
  }

  /** Runs a ccxt call and translates its errors; `keepNotFound` lets OrderNotFound through for the caller to read. */
  private async call<T>(action: string, run: () => Promise<T>, keepNotFound = false): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (keepNotFound && error instanceof OrderNotFound) throw error;
      throw toGatewayError(error, this.exchange, action);
    }
  }
}
