import { CandleColumns } from './candle-columns.js';

/**
 * Aggregates a finer series into buckets of `targetMs`, aligned on UTC multiples of `targetMs`.
 * A bucket is built from the candles present (gaps are tolerated); a bucket the data does not span from its
 * start to its end (cut by the first or last row of the source) is left out, since its open or close would be wrong.
 */
export function resampleColumns(source: CandleColumns, sourceMs: number, targetMs: number): CandleColumns {
  if (targetMs % sourceMs !== 0) {
    throw new Error(`cannot resample ${sourceMs} ms candles to ${targetMs} ms: not a whole multiple`);
  }
  const n = source.length;
  if (n === 0) return CandleColumns.allocate(0);
  const { openTime, open, high, low, close, volume } = source;
  const dataStart = openTime[0];
  const dataEnd = openTime[n - 1] + sourceMs;
  // Every bucket holds at least one row, and buckets cannot outnumber the span they cover.
  const out = CandleColumns.allocate(Math.min(n, Math.floor((dataEnd - dataStart) / targetMs) + 1));
  let count = 0;
  let i = 0;
  while (i < n) {
    const bucketStart = Math.floor(openTime[i] / targetMs) * targetMs;
    const bucketEnd = bucketStart + targetMs;
    let h = high[i];
    let l = low[i];
    let v = volume[i];
    let j = i + 1;
    for (; j < n && openTime[j] < bucketEnd; j++) {
      if (high[j] > h) h = high[j];
      if (low[j] < l) l = low[j];
      v += volume[j];
    }
    if (bucketStart >= dataStart && bucketEnd <= dataEnd) {
      out.openTime[count] = bucketStart;
      out.open[count] = open[i];
      out.high[count] = h;
      out.low[count] = l;
      out.close[count] = close[j - 1];
      out.volume[count] = v;
      count++;
    }
    i = j;
  }
  return out.head(count);
}
