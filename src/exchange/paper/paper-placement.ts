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
    if (request.type !== 'market' && request.type !== 'limit') throw new OrderRejected('invalid_order', `unknown order type ${String(request.type)}`);
    const rules = paperMarketRules(request.symbol);
    const limit = request.type === 'limit' ? checkLimitOrder(request, rules) : null;
    const reference = await this.priceAt(request);
    const slipped = priceToTick(reference * (request.side === 'buy' ? 1 + this.options.slippage : 1 - this.options.slippage), rules.priceStep, request.side);
    if (limit === null) return this.fillOnArrival(request, rules, marketOrderAmount(request, rules, slipped), slipped);
    const marketable = request.side === 'buy' ? limit.price >= reference : limit.price <= reference;
    if (!marketable) return this.rest(request, rules, limit.amount, limit.price);
    // What a venue does with a marketable limit: it takes the book, but never at a price worse than the limit.
    const price = request.side === 'buy' ? Math.min(limit.price, slipped) : Math.max(limit.price, slipped);
    return this.fillOnArrival(request, rules, limit.amount, price);
  }

  private async fillOnArrival(request: OrderRequest, rules: MarketRules, amount: number, price: number): Promise<ExchangeOrder | null> {
    return this.inTransaction(request, amount, 0, async (ledger, manager, id) =>
      settleArrival(manager, ledger, rules, {
        orderId: id,
        candleOpenTime: null,
        filledAt: request.decidedAt,
        liquidity: 'taker',
        amount,
        price,
        fee: feeOf(amount, price, this.options.takerFee),
      }, request.side),
    );
  }

  private async rest(request: OrderRequest, rules: MarketRules, amount: number, price: number): Promise<ExchangeOrder | null> {
    const reserved = reservationOf(request.side, amount, price, this.options.makerFee);
    return this.inTransaction(request, amount, reserved, async (ledger, manager, id) => {
      const asset = request.side === 'buy' ? rules.quote : rules.base;
      await ledger.reserve(asset, reserved, `${request.side} ${amount} ${rules.symbol} at ${price}`);
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
    const id = `paper-${deterministicUuid(this.accountId, request.clientOrderId)}`;
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
