import type { DataSource } from 'typeorm';
import type { Clock } from '../../clock/index.js';
import type { MarketDataSource } from '../../market-data/index.js';
import { ExchangeGateway, OrderRejected, type Balances, type ExchangeOrder, type MarketRules, type OrderAnswer, type OrderRequest } from '../exchange.port.js';
import { PaperBatchPlacement } from './paper-batch-placement.js';
import { PaperCandles } from './paper-candles.js';
import { PaperLedger } from './paper-ledger.js';
import { paperMarketRules } from './paper-markets.js';
import { PaperMatcher } from './paper-matcher.js';
import { findByClientId, findByClientIds, lockOrder, OPEN_STATUSES, openOrders, toExchangeOrder } from './paper-order-store.js';
import { PaperPlacement } from './paper-placement.js';
import { cancelResting } from './paper-settlement.js';

export interface PaperOptions {
  /** Fee rate of fills that rested on the book (limit orders filled by a later candle), e.g. 0.001. */
  makerFee: number;
  /** Fee rate of fills on arrival (market orders, marketable limits), e.g. 0.001. */
  takerFee: number;
  /** Fraction market orders pay: buys fill at close × (1 + slippage), sells at close × (1 − slippage), e.g. 0.0005. */
  slippage: number;
  /** Largest fraction of one candle's volume a resting order may fill in that candle, e.g. 0.1. */
  volumeShare: number;
  /** The market-data label prices and candles are read from. */
  priceExchange: string;
}

function checkOptions(options: PaperOptions): void {
  const within = (name: keyof PaperOptions, value: number, low: number, high: number, lowOpen = false) => {
    if (!Number.isFinite(value) || value > high || (lowOpen ? value <= low : value < low)) {
      throw new Error(`paper exchange option ${name} must be in ${lowOpen ? '(' : '['}${low}, ${high}], got ${value}`);
    }
  };
  within('makerFee', options.makerFee, 0, 0.1);
  within('takerFee', options.takerFee, 0, 0.1);
  within('slippage', options.slippage, 0, 0.5);
  within('volumeShare', options.volumeShare, 0, 1, true);
}

/**
 * A simulated venue behind the same gateway as a real one: same client-order-id rule, same market rules, same
 * answers. Resting limit orders are matched lazily: every call first brings the account's open orders up to
 * `clock.now()` through the closed candles (see PaperMatcher), so fills are discovered when the gateway is asked.
 */
export class PaperExchange extends ExchangeGateway {
  private readonly matcher: PaperMatcher;
  private readonly placement: PaperPlacement;
  private readonly batch: PaperBatchPlacement;

  constructor(
    private readonly db: DataSource,
    private readonly accountId: string,
    marketData: MarketDataSource,
    private readonly clock: Clock,
    options: PaperOptions,
  ) {
    super();
    checkOptions(options);
    this.matcher = new PaperMatcher(db, accountId, new PaperCandles(marketData, options.priceExchange), options);
    this.placement = new PaperPlacement(db, accountId, marketData, options);
    this.batch = new PaperBatchPlacement(db, accountId, this.placement);
  }

  async marketRules(symbol: string): Promise<MarketRules> {
    return paperMarketRules(symbol);
  }

  /** A client order id the account has used returns that order as it is now, whatever the new request says. */
  async createOrder(request: OrderRequest): Promise<ExchangeOrder> {
    await this.advance();
    const known = await findByClientId(this.db, this.accountId, request.clientOrderId);
    if (known) return toExchangeOrder(known);
    // Null: a concurrent send of the same client order id won the insert; answer with its order.
    return (await this.placement.place(request)) ?? toExchangeOrder((await findByClientId(this.db, this.accountId, request.clientOrderId))!);
  }

  /** `createOrder` for many: the account brought up to date once, the new orders written in one transaction. */
  override async createOrders(requests: OrderRequest[]): Promise<OrderAnswer[]> {
    await this.advance();
    const known = await findByClientIds(this.db, this.accountId, requests.map((r) => r.clientOrderId));
    // One request per client order id: a repeat is answered with the first one's order.
    const fresh = [...new Map(requests.filter((r) => !known.has(r.clientOrderId)).map((r) => [r.clientOrderId, r])).values()];
    const placed = new Map((await this.batch.placeMany(fresh)).map((answer, i) => [fresh[i].clientOrderId, answer]));
    return requests.map((r) => (known.has(r.clientOrderId) ? { order: toExchangeOrder(known.get(r.clientOrderId)!) } : placed.get(r.clientOrderId)!));
  }

  /** Looked up by client order id within the symbol, as a live venue does: the same id under another symbol is null. */
  async fetchOrder(symbol: string, clientOrderId: string): Promise<ExchangeOrder | null> {
    await this.advance();
    const row = await findByClientId(this.db, this.accountId, clientOrderId);
    return row && row.symbol === symbol ? toExchangeOrder(row) : null;
  }

  /** Releases what the order still reserves; an order that is already closed is answered as it is. */
  async cancelOrder(symbol: string, clientOrderId: string): Promise<ExchangeOrder> {
    await this.advance();
    const row = await findByClientId(this.db, this.accountId, clientOrderId);
    if (!row || row.symbol !== symbol) throw new OrderRejected('invalid_order', `unknown order ${clientOrderId} on ${symbol}`);
    const canceled = await this.db.transaction(async (manager) => {
      const order = await lockOrder(manager, row.id);
      if (!OPEN_STATUSES.includes(order.status)) return order;
      const rules = paperMarketRules(order.symbol);
      const ledger = new PaperLedger(manager, this.accountId);
      await ledger.lock([rules.base, rules.quote]);
      return cancelResting(manager, ledger, rules, order);
    });
    return toExchangeOrder(canceled);
  }

  async fetchOpenOrders(symbol?: string): Promise<ExchangeOrder[]> {
    await this.advance();
    return (await openOrders(this.db, this.accountId, symbol)).map(toExchangeOrder);
  }

  async fetchBalance(): Promise<Balances> {
    await this.advance();
    const rows: { asset: string; free: string; used: string; total: string }[] = await this.db.query(
      `SELECT asset, free, used, free + used AS total FROM paper_balances WHERE exchange_account_id = $1 ORDER BY asset`,
      [this.accountId],
    );
    return Object.fromEntries(rows.map((r) => [r.asset, { free: Number(r.free), used: Number(r.used), total: Number(r.total) }]));
  }

  private advance(): Promise<void> {
    return this.matcher.advance(this.clock.now());
  }
}
