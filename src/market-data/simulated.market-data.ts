import { lastClosedOpenTime, timeframeMs, type Candle, type SeriesRef, type Timeframe } from './candle.js';
import { LruCache } from './lru-cache.js';
import { MarketDataSource } from './market-data.port.js';
import { SimulatedPath } from './simulated-path.js';

const MINUTE_MS = 60_000;

export interface SimulatedMarketDataOptions {
  /** Same seed, same candles; an integer (fractions are ignored). */
  seed: number;
  /** How many candles longer than 1m to keep; a 1d candle costs 1,440 one-minute computations. */
  cacheSize?: number;
}

/**
 * A deterministic market for any symbol, computed at any time without history: see SimulatedPath.
 * The exchange label is ignored, so that an evaluator and a paper exchange see the same prices for a symbol.
 */
export class SimulatedMarketData extends MarketDataSource {
  readonly kind = 'simulated';
  private readonly paths = new Map<string, SimulatedPath>();
  private readonly cache: LruCache<string, Candle>;

  constructor(private readonly options: SimulatedMarketDataOptions) {
    super();
    if (!Number.isFinite(options.seed)) throw new Error(`simulated market data needs a finite seed, got ${options.seed}`);
    this.cache = new LruCache(options.cacheSize ?? 100_000);
  }

  async fetchClosedCandles(series: SeriesRef, since: number, asOf: number, limit: number): Promise<Candle[]> {
    const count = limit > 0 ? Math.floor(limit) : 0;
    if (count === 0) return [];
    const tf = timeframeMs(series.timeframe);
    const first = Math.ceil(since / tf) * tf;
    const last = Math.min(lastClosedOpenTime(series.timeframe, asOf), first + (count - 1) * tf);
    const candles: Candle[] = [];
    for (let openTime = first; openTime <= last; openTime += tf) {
      candles.push(this.candle(series.symbol, series.timeframe, openTime));
    }
    return candles;
  }

  async lastPrice(_exchange: string, symbol: string, asOf: number): Promise<number | undefined> {
    // The close of the last closed 1m candle is the price at the minute boundary that ended it.
    return this.path(symbol).priceAt(Math.floor(asOf / MINUTE_MS));
  }

  replayOrigin(): number | undefined {
    return undefined;
  }

  private candle(symbol: string, timeframe: Timeframe, openTime: number): Candle {
    const path = this.path(symbol);
    const minutes = timeframeMs(timeframe) / MINUTE_MS;
    // One-minute candles are cheaper to recompute than to cache.
    if (minutes === 1) return path.candle(openTime / MINUTE_MS, 1);
    const key = `${symbol}|${timeframe}|${openTime}`;
    let candle = this.cache.get(key);
    if (!candle) {
      // Frozen: the same object goes to every caller.
      candle = Object.freeze(path.candle(openTime / MINUTE_MS, minutes));
      this.cache.set(key, candle);
    }
    return candle;
  }

  private path(symbol: string): SimulatedPath {
    let path = this.paths.get(symbol);
    if (!path) {
      path = new SimulatedPath(this.options.seed, symbol);
      this.paths.set(symbol, path);
    }
    return path;
  }
}
