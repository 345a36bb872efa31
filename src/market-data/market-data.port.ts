import type { Candle, SeriesRef } from './candle.js';

/**
 * Where candles come from. Adapters: simulated (seeded, deterministic), csv (replays files), ccxt (a real exchange).
 * Only closed candles are ever returned: a candle whose close time is after `asOf` does not exist yet.
 */
export abstract class MarketDataSource {
  /** Short name for logs: `simulated`, `csv`, `ccxt`. */
  abstract readonly kind: string;

  /**
   * Closed candles of the series with `openTime >= since`, oldest first, at most `limit` of them
   * (the OLDEST `limit` when more exist, so a caller catching up never skips a candle), closed at market time `asOf`.
   */
  abstract fetchClosedCandles(series: SeriesRef, since: number, asOf: number, limit: number): Promise<Candle[]>;

  /** The last traded price at `asOf`: the close of the newest closed candle of the finest timeframe served. */
  abstract lastPrice(exchange: string, symbol: string, asOf: number): Promise<number | undefined>;

  /** Where a replay of this source starts (first candle's open time), or undefined for live sources. */
  abstract replayOrigin(): number | undefined;
}
