import ccxt, { NetworkError, type Exchange, type OHLCV } from 'ccxt';
import { lastClosedOpenTime, timeframeMs, type Candle, type SeriesRef } from './candle.js';
import { MarketDataSource } from './market-data.port.js';

export interface CcxtMarketDataOptions {
  /** Maps an exchange label of the app (such as 'paper') to a ccxt exchange id; default 'paper' → 'binance'. */
  exchangeFor?: (name: string) => string;
  /** Called once on each ccxt instance right after creation: tests point `urls.api` at a local server here. */
  configure?: (exchange: Exchange) => void;
  /** Candles asked per request; Binance serves at most 1,000. */
  pageLimit?: number;
}

/** A fetch that failed; `retryable` when ccxt saw a network-level problem (timeouts, 429, maintenance). */
export class MarketDataFetchError extends Error {
  readonly code = 'MARKET_DATA_FETCH_FAILED';

  constructor(
    message: string,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'MarketDataFetchError';
  }
}

const defaultExchangeFor = (name: string): string => (name === 'paper' ? 'binance' : name);

/** Public OHLCV from a real exchange through ccxt; exchanges are created on first use. */
export class CcxtMarketData extends MarketDataSource {
  readonly kind = 'ccxt';
  /** One instance per ccxt id, so that its rate limiter governs every series of that exchange. */
  private readonly exchanges = new Map<string, Exchange>();
  private readonly pageLimit: number;
  private fetches = 0;

  constructor(private readonly options: CcxtMarketDataOptions = {}) {
    super();
    this.pageLimit = options.pageLimit ?? 1000;
  }

  /** How many `fetchOHLCV` calls were made, failed ones included: benchmarks check one per series per tick. */
  get fetchCount(): number {
    return this.fetches;
  }

  async fetchClosedCandles(series: SeriesRef, since: number, asOf: number, limit: number): Promise<Candle[]> {
    const count = limit > 0 ? Math.floor(limit) : 0;
    if (count === 0) return [];
    const exchange = this.exchange(series.exchange);
    const tf = timeframeMs(series.timeframe);
    const lastClosed = lastClosedOpenTime(series.timeframe, asOf);
    let cursor = Math.ceil(since / tf) * tf;
    const candles: Candle[] = [];
    while (cursor <= lastClosed && candles.length < count) {
      // No more than still needed, and at most one slot past the last closed candle (the forming one):
      // a short page then means the exchange has no more.
      const closedLeft = Math.floor((lastClosed - cursor) / tf) + 1;
      const wanted = Math.min(this.pageLimit, count - candles.length, closedLeft + 1);
      const page = await this.fetchPage(exchange, series, cursor, wanted);
      let newest = -Infinity;
      for (const row of page) {
        const openTime = Number(row[0]);
        newest = Math.max(newest, openTime);
        if (openTime >= cursor && openTime <= lastClosed) candles.push(toCandle(row));
      }
      if (page.length < wanted || newest >= lastClosed || newest < cursor) break;
      cursor = newest + tf;
    }
    return candles.slice(0, count);
  }

  async lastPrice(exchange: string, symbol: string, asOf: number): Promise<number | undefined> {
    const [last] = await this.fetchClosedCandles({ exchange, symbol, timeframe: '1m' }, lastClosedOpenTime('1m', asOf), asOf, 1);
    return last?.close;
  }

  replayOrigin(): number | undefined {
    return undefined;
  }

  /** Releases the ccxt instances (their websocket clients, if any were opened). */
  async close(): Promise<void> {
    await Promise.all([...this.exchanges.values()].map((exchange) => exchange.close()));
    this.exchanges.clear();
  }

  private async fetchPage(exchange: Exchange, series: SeriesRef, since: number, limit: number): Promise<OHLCV[]> {
    this.fetches++;
    try {
      return await exchange.fetchOHLCV(series.symbol, series.timeframe, since, limit);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new MarketDataFetchError(
        `ccxt ${exchange.id} fetchOHLCV ${series.symbol} ${series.timeframe} failed: ${reason}`,
        error instanceof NetworkError,
        { cause: error },
      );
    }
  }

  private exchange(name: string): Exchange {
    const id = (this.options.exchangeFor ?? defaultExchangeFor)(name);
    let exchange = this.exchanges.get(id);
    if (!exchange) {
      const constructors = ccxt as unknown as Record<string, new (config: object) => Exchange>;
      if (!ccxt.exchanges.includes(id)) {
        throw new Error(`ccxt has no exchange "${id}" (for the exchange label "${name}")`);
      }
      exchange = new constructors[id]({ enableRateLimit: true });
      this.options.configure?.(exchange);
      this.exchanges.set(id, exchange);
    }
    return exchange;
  }
}

function toCandle(row: OHLCV): Candle {
  return {
    openTime: Number(row[0]),
    open: Number(row[1]),
    high: Number(row[2]),
    low: Number(row[3]),
    close: Number(row[4]),
    volume: Number(row[5] ?? 0),
  };
}
