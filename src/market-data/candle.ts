/** One OHLCV candle; `openTime` is the candle's open time in UTC milliseconds, as ccxt returns it. */
export interface Candle {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export const TIMEFRAMES = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

export function timeframeMs(timeframe: Timeframe): number {
  const unit = UNIT_MS[timeframe.slice(-1)];
  return Number(timeframe.slice(0, -1)) * unit;
}

export function isTimeframe(value: unknown): value is Timeframe {
  return typeof value === 'string' && (TIMEFRAMES as readonly string[]).includes(value);
}

/** A market's candle stream: what the evaluator fetches once per tick for every condition on it. */
export interface SeriesRef {
  exchange: string;
  symbol: string;
  timeframe: Timeframe;
}

export function seriesKey(series: SeriesRef): string {
  return `${series.exchange}:${series.symbol}:${series.timeframe}`;
}

/** A candle is used for a decision only once it has closed. */
export function isClosed(candle: Candle, timeframe: Timeframe, now: number): boolean {
  return candle.openTime + timeframeMs(timeframe) <= now;
}

/** Open time of the last candle that is closed at `now`. */
export function lastClosedOpenTime(timeframe: Timeframe, now: number): number {
  const tf = timeframeMs(timeframe);
  return Math.floor(now / tf) * tf - tf;
}
