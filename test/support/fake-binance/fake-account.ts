import { binanceError, BinanceFailure, type FakeBinanceState } from './fake-binance.types.js';
import { isOpen, type FakeOrder, type NewOrder } from './fake-order.js';
import { failedFilter, floorToLot, symbolFilters, type SymbolFilters } from './symbol-filters.js';

const round8 = (value: number): number => Math.round(value * 1e8) / 1e8;
const fail = (code: number, msg: string): BinanceFailure => new BinanceFailure(binanceError(400, code, msg));

/**
 * The spot account behind the fake's API key: free and locked balances and an order book that fills MARKET orders
 * at the current price and rests LIMIT orders until `fill` (or fills them at once when marketable), charging a
 * 0.1% commission in the asset received, as Binance does without BNB.
 */
export class FakeAccount {
  readonly balances = new Map<string, { free: number; locked: number }>();
  readonly orders: FakeOrder[] = [];
  /** Current prices by symbol id (`BTCUSDT`); without one, the close of the newest candle served. */
  readonly prices: Record<string, number> = {};
  commissionRate = 0.001;
  /** New orders start hidden from this many GET /api/v3/order look-ups (see Faults.hideFreshOrders). */
  hideFreshOrdersFor = 0;
  private nextId = 1000;

  constructor(
    private readonly state: Pick<FakeBinanceState, 'now' | 'klines'>,
    readonly apiKey: string,
    readonly secret: string,
  ) {}

  deposit(asset: string, amount: number): void {
    const balance = this.balance(asset);
    balance.free = round8(balance.free + amount);
  }

  balance(asset: string): { free: number; locked: number } {
    let balance = this.balances.get(asset);
    if (!balance) this.balances.set(asset, (balance = { free: 0, locked: 0 }));
    return balance;
  }

  marketPrice(symbol: string): number | undefined {
    if (this.prices[symbol] !== undefined) return this.prices[symbol];
    const series = this.state.klines[symbol] ?? {};
    const candles = series['1m'] ?? Object.values(series)[0] ?? [];
    return candles.filter((k) => k.openTime <= this.state.now()).at(-1)?.close;
  }

  place(request: NewOrder): FakeOrder {
    const filters = symbolFilters(request.symbol);
    if (!filters) throw fail(-1121, 'Invalid symbol.');
    const market = request.type === 'MARKET';
    const now = this.marketPrice(request.symbol);
    const price = market ? now : request.price!;
    if (price === undefined) throw fail(-2010, 'No trading price for this MARKET order (the fake has no candle or price).');
    const qty = request.qty ?? floorToLot(request.quoteOrderQty! / price, filters);
    const failure = failedFilter(filters, { market, qty, price });
    if (failure) throw fail(-1013, `Filter failure: ${failure}`);
    if (this.find(request.symbol, { clientOrderId: request.clientOrderId }, true)) throw fail(-2010, 'Duplicate order sent.');
    const [spend, needed] = request.side === 'BUY' ? [filters.quoteAsset, qty * price] : [filters.baseAsset, qty];
    if (this.balance(spend).free < needed - 1e-12) throw fail(-2010, 'Account has insufficient balance for requested action.');

    const at = this.state.now();
    const order: FakeOrder = {
      symbol: request.symbol,
      orderId: this.nextId++,
      clientOrderId: request.clientOrderId,
      side: request.side,
      type: request.type,
      timeInForce: market ? 'GTC' : request.timeInForce,
      price: market ? 0 : price,
      origQty: qty,
      origQuoteOrderQty: request.quoteOrderQty ?? 0,
      executedQty: 0,
      cummulativeQuoteQty: 0,
      status: 'NEW',
      time: at,
      updateTime: at,
      fills: [],
      hiddenLookups: this.hideFreshOrdersFor,
    };
    this.orders.push(order);
    if (!market) this.move(spend, 'free', 'locked', needed);
    const marketable = now !== undefined && (request.side === 'BUY' ? price >= now : price <= now);
    if (market || marketable) this.trade(order, qty, now!, false, filters);
    return order;
  }

  /** Trades `qty` of an open order at `price`; a resting order's reserved funds are released as it fills. */
  trade(order: FakeOrder, qty: number, price: number, isMaker: boolean, filters: SymbolFilters = symbolFilters(order.symbol)!): void {
    const left = round8(order.origQty - order.executedQty);
    if (qty <= 0 || qty > left + 1e-12) throw new Error(`cannot fill ${qty} of ${order.clientOrderId}: ${left} left`);
    const cost = round8(qty * price);
    const buy = order.side === 'BUY';
    const [paid, paidAmount, received, receivedAmount] = buy
      ? [filters.quoteAsset, cost, filters.baseAsset, qty]
      : [filters.baseAsset, qty, filters.quoteAsset, cost];
    const commission = round8(receivedAmount * this.commissionRate);
    if (order.type === 'LIMIT') {
      // The order reserved amount × its limit price (buy) or the amount (sell): release this fill's share.
      this.move(paid, 'locked', 'free', buy ? round8(qty * order.price) : qty);
    }
    this.move(paid, 'free', null, paidAmount);
    this.deposit(received, round8(receivedAmount - commission));
    order.executedQty = round8(order.executedQty + qty);
    order.cummulativeQuoteQty = round8(order.cummulativeQuoteQty + cost);
    order.status = order.executedQty >= order.origQty ? 'FILLED' : 'PARTIALLY_FILLED';
    order.updateTime = this.state.now();
    order.fills.push({ price, qty, commission, commissionAsset: received, tradeId: this.nextId++, time: order.updateTime, isMaker });
  }

  cancel(order: FakeOrder): void {
    const left = round8(order.origQty - order.executedQty);
    const filters = symbolFilters(order.symbol)!;
    if (order.side === 'BUY') this.move(filters.quoteAsset, 'locked', 'free', round8(left * order.price));
    else this.move(filters.baseAsset, 'locked', 'free', left);
    order.status = 'CANCELED';
    order.updateTime = this.state.now();
  }

  /** The newest order of `symbol` with that client id or order id; `openOnly` for the duplicate check. */
  find(symbol: string, id: { clientOrderId?: string; orderId?: number }, openOnly = false): FakeOrder | undefined {
    return this.orders
      .filter((o) => o.symbol === symbol && (id.orderId !== undefined ? o.orderId === id.orderId : o.clientOrderId === id.clientOrderId))
      .filter((o) => !openOnly || isOpen(o))
      .at(-1);
  }

  openOrders(symbol?: string): FakeOrder[] {
    return this.orders.filter((o) => isOpen(o) && (symbol === undefined || o.symbol === symbol));
  }

  private move(asset: string, from: 'free' | 'locked', to: 'free' | 'locked' | null, amount: number): void {
    const balance = this.balance(asset);
    balance[from] = round8(balance[from] - amount);
    if (to) balance[to] = round8(balance[to] + amount);
  }
}
