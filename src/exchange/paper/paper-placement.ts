import type { DataSource, EntityManager } from 'typeorm';
import { deterministicUuid } from '../../common/deterministic-id.js';
import type { MarketDataSource } from '../../market-data/index.js';
import { OrderRejected, type ExchangeOrder, type MarketRules, type OrderRequest } from '../exchange.port.js';
import { isRetryable, unavailable } from './paper-candles.js';
import { PaperLedger } from './paper-ledger.js';
import { paperMarketRules, priceToTick } from './paper-markets.js';
import { checkLimitOrder, marketOrderAmount } from './paper-order-check.js';
import { insertOrder, toExchangeOrder, type PaperOrderRow } from './paper-order-store.js';
import { feeOf, reservationOf, settleArrival } from './paper-settlement.js';

/**
 * What a new order does when it arrives, decided (checked and priced) before anything is written: it fills at once
 * as taker at `price`, or rests at its limit `price` holding `reserved` (quote for a buy, base for a sell).
 */
export type Arrival =
  | { kind: 'fill'; request: OrderRequest; rules: MarketRules; amount: number; price: number; fee: number }
  | { kind: 'rest'; request: OrderRequest; rules: MarketRules; amount: number; price: number; reserved: number };

/** The account's id for an order: derived from its client order id, so a resend cannot make a second row. */
export const paperOrderId = (accountId: string, clientOrderId: string) => `paper-${deterministicUuid(accountId, clientOrderId)}`;

export interface PlacementOptions {
  takerFee: number;
  makerFee: number;
  slippage: number;
  priceExchange: string;
}

/**
 * Turns a new order into a row and its money moves, in one transaction. The order is simulated as placed at
 * `decidedAt`: a market order (or a limit already marketable then) fills on arrival as taker at that moment's
 * price moved by the slippage, in full; a limit order that is not marketable rests and reserves its funds.
 *
 * Why a market order never fills partially: the volume cap models a resting order's share of the trading that
 * reaches its price; a market order takes the book at once, and without order-book depth the slippage stands in
 * for its price impact. Real venues never leave a market order open either (what they cannot fill is expired).
 */
export class PaperPlacement {
  constructor(
    private readonly db: DataSource,
    private readonly accountId: string,
    private readonly marketData: MarketDataSource,
    private readonly options: PlacementOptions,
  ) {}

  /** The new order, or null when a concurrent send of the same client order id created it first. */
  async place(request: OrderRequest): Promise<ExchangeOrder | null> {
    return this.write(await this.decide(request));
  }

  /**
   * Checks the order as a venue would (refusals throw OrderRejected) and prices it at `decidedAt`. `prices` lets a
   * batch look each (symbol, time) up once.
   */
  async decide(request: OrderRequest, prices = new Map<string, Promise<number>>()): Promise<Arrival> {
    if (request.type !== 'market' && request.type !== 'limit') throw new OrderRejected('invalid_order', `unknown order type ${String(request.type)}`);
    const rules = paperMarketRules(request.symbol);
    const limit = request.type === 'limit' ? checkLimitOrder(request, rules) : null;
    const key = `${request.symbol}|${request.decidedAt}`;
    if (!prices.has(key)) prices.set(key, this.priceAt(request));
    const reference = await prices.get(key)!;
    const slipped = priceToTick(reference * (request.side === 'buy' ? 1 + this.options.slippage : 1 - this.options.slippage), rules.priceStep, request.side);
    const fill = (amount: number, price: number): Arrival => ({ kind: 'fill', request, rules, amount, price, fee: feeOf(amount, price, this.options.takerFee) });
    if (limit === null) return fill(marketOrderAmount(request, rules, slipped), slipped);
    const marketable = request.side === 'buy' ? limit.price >= reference : limit.price <= reference;
    if (!marketable) {
      return { kind: 'rest', request, rules, amount: limit.amount, price: limit.price, reserved: reservationOf(request.side, limit.amount, limit.price, this.options.makerFee) };
    }
    // What a venue does with a marketable limit: it takes the book, but never at a price worse than the limit.
    return fill(limit.amount, request.side === 'buy' ? Math.min(limit.price, slipped) : Math.max(limit.price, slipped));
  }

  /** One order, one transaction; null when a concurrent send of the same client order id created it first. */
  async write(arrival: Arrival): Promise<ExchangeOrder | null> {
    const { request, rules, amount, price } = arrival;
    if (arrival.kind === 'fill') {
      return this.inTransaction(request, amount, 0, (ledger, manager, id) =>
        settleArrival(manager, ledger, rules, { orderId: id, candleOpenTime: null, filledAt: request.decidedAt, liquidity: 'taker', amount, price, fee: arrival.fee }, request.side),
      );
    }
    return this.inTransaction(request, amount, arrival.reserved, async (ledger, manager, id) => {
      const asset = request.side === 'buy' ? rules.quote : rules.base;
      await ledger.reserve(asset, arrival.reserved, `${request.side} ${amount} ${rules.symbol} at ${price}`);
      const rows: PaperOrderRow[] = await manager.query(`SELECT * FROM paper_orders WHERE id = $1`, [id]);
      return rows[0];
    });
  }

  /** Inserts the order row first (a concurrent resend waits on it, then finds it), then locks the balances. */
  private async inTransaction(
    request: OrderRequest,
    amount: number,
    reserved: number,
    settle: (ledger: PaperLedger, manager: EntityManager, id: string) => Promise<PaperOrderRow>,
  ): Promise<ExchangeOrder | null> {
    const { base, quote } = paperMarketRules(request.symbol);
    const id = paperOrderId(this.accountId, request.clientOrderId);
    return this.db.transaction(async (manager) => {
      const inserted = await insertOrder(manager, {
        id,
        accountId: this.accountId,
        clientOrderId: request.clientOrderId,
        symbol: request.symbol,
        side: request.side,
        type: request.type,
        price: request.type === 'limit' ? request.price! : null,
        amount,
        reserved,
        placedAt: request.decidedAt,
      });
      if (!inserted) return null;
      const ledger = new PaperLedger(manager, this.accountId);
      await ledger.lock([base, quote]);
      return toExchangeOrder(await settle(ledger, manager, id));
    });
  }

  private async priceAt(request: OrderRequest): Promise<number> {
    let price: number | undefined;
    try {
      price = await this.marketData.lastPrice(this.options.priceExchange, request.symbol, request.decidedAt);
    } catch (error) {
      if (isRetryable(error)) throw unavailable(error);
      throw new OrderRejected('no_price', `no price for ${request.symbol}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (price === undefined) throw new OrderRejected('no_price', `no price for ${request.symbol} at ${new Date(request.decidedAt).toISOString()}`);
    return price;
  }
}
