import type { Candle } from './candle.js';

/**
 * A candle series stored column-wise in typed arrays, open times ascending.
 * Replays read these every tick: columns keep 30k-row files compact and let lookups binary-search one array.
 */
export class CandleColumns {
  constructor(
    readonly openTime: Float64Array,
    readonly open: Float64Array,
    readonly high: Float64Array,
    readonly low: Float64Array,
    readonly close: Float64Array,
    readonly volume: Float64Array,
  ) {}

  static allocate(length: number): CandleColumns {
    const column = () => new Float64Array(length);
    return new CandleColumns(column(), column(), column(), column(), column(), column());
  }

  get length(): number {
    return this.openTime.length;
  }

  /** The first `length` rows, sharing memory: used to trim an over-allocated buffer. */
  head(length: number): CandleColumns {
    const cut = (column: Float64Array) => column.subarray(0, length);
    return new CandleColumns(
      cut(this.openTime),
      cut(this.open),
      cut(this.high),
      cut(this.low),
      cut(this.close),
      cut(this.volume),
    );
  }

  /** Index of the first candle with `openTime >= time` (length when none). */
  firstAtOrAfter(time: number): number {
    const times = this.openTime;
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[mid] < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first candle with `openTime > time` (length when none). */
  firstAfter(time: number): number {
    const times = this.openTime;
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[mid] <= time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  candle(index: number): Candle {
    return {
      openTime: this.openTime[index],
      open: this.open[index],
      high: this.high[index],
      low: this.low[index],
      close: this.close[index],
      volume: this.volume[index],
    };
  }

  /** Candles of rows `from` (inclusive) to `to` (exclusive), as plain objects for callers. */
  toCandles(from: number, to: number): Candle[] {
    const candles = new Array<Candle>(Math.max(0, to - from));
    for (let i = from; i < to; i++) candles[i - from] = this.candle(i);
    return candles;
  }
}
