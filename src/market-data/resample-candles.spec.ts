import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Candle } from './candle.js';
import { CandleColumns } from './candle-columns.js';
import { readCsvCandles } from './csv-candles.js';
import { resampleColumns } from './resample-candles.js';

const MINUTE = 60_000;
const BINANCE_1M = resolve(process.cwd(), '../shared/data/binanceus_btcusdt_1m_2023-03-01_2023-03-21.csv');

function columnsOf(candles: Candle[]): CandleColumns {
  const columns = CandleColumns.allocate(candles.length);
  candles.forEach((k, i) => {
    columns.openTime[i] = k.openTime;
    columns.open[i] = k.open;
    columns.high[i] = k.high;
    columns.low[i] = k.low;
    columns.close[i] = k.close;
    columns.volume[i] = k.volume;
  });
  return columns;
}

/** Straightforward grouping, written without the parser or the resampler under test. */
function aggregateFile(bucketMs: number): Candle[] {
  const rows = readFileSync(BINANCE_1M, 'utf8').trim().split('\n').slice(1);
  const buckets = new Map<number, Candle>();
  for (const row of rows) {
    const [time, open, high, low, close, volume] = row.split(',');
    const openTime = new Date(time.replace(' ', 'T')).getTime();
    const key = openTime - (openTime % bucketMs);
    const k = buckets.get(key);
    if (!k) {
      buckets.set(key, { openTime: key, open: +open, high: +high, low: +low, close: +close, volume: +volume });
    } else {
      k.high = Math.max(k.high, +high);
      k.low = Math.min(k.low, +low);
      k.close = +close;
      k.volume += +volume;
    }
  }
  return [...buckets.values()];
}

const minute = (m: number, price: number): Candle => ({
  openTime: m * MINUTE,
  open: price,
  high: price + 1,
  low: price - 1,
  close: price + 0.5,
  volume: 1,
});

describe('resampleColumns', () => {
  const file = readCsvCandles(BINANCE_1M);

  it('matches an independent 15m aggregation of the 1m file', () => {
    const resampled = resampleColumns(file, MINUTE, 15 * MINUTE);
    const expected = aggregateFile(15 * MINUTE);
    expect(resampled.length).toBe(21 * 96);
    const actual = resampled.toCandles(0, resampled.length);
    expect(actual.map(({ volume, ...rest }) => rest)).toEqual(expected.map(({ volume, ...rest }) => rest));
    actual.forEach((k, i) => expect(k.volume).toBeCloseTo(expected[i].volume, 9));
  });

  it('aligns 4h and 1d buckets on UTC multiples', () => {
    const fourHours = resampleColumns(file, MINUTE, 240 * MINUTE);
    expect(fourHours.length).toBe(21 * 6);
    expect(fourHours.openTime[1]).toBe(Date.UTC(2023, 2, 1, 4));
    const days = resampleColumns(file, MINUTE, 1440 * MINUTE);
    expect(days.length).toBe(21);
    expect(days.close[20]).toBe(28110.26);
  });

  it('leaves out buckets cut by the start or the end of the data', () => {
    // Minutes 3..16: the 0-4 bucket lacks its start, 15-19 its end; only 5-9 and 10-14 are whole.
    const candles = Array.from({ length: 14 }, (_, i) => minute(3 + i, 100 + i));
    const resampled = resampleColumns(columnsOf(candles), MINUTE, 5 * MINUTE);
    expect(Array.from(resampled.openTime)).toEqual([5 * MINUTE, 10 * MINUTE]);
  });

  it('builds a bucket with a gap from the candles present', () => {
    const candles = [minute(0, 10), minute(1, 11), minute(4, 14), minute(5, 15), minute(9, 19)];
    const resampled = resampleColumns(columnsOf(candles), MINUTE, 5 * MINUTE);
    expect(resampled.toCandles(0, resampled.length)).toEqual([
      { openTime: 0, open: 10, high: 15, low: 9, close: 14.5, volume: 3 },
      { openTime: 5 * MINUTE, open: 15, high: 20, low: 14, close: 19.5, volume: 2 },
    ]);
  });

  it('refuses a target that is not a whole multiple', () => {
    expect(() => resampleColumns(file, 3 * MINUTE, 5 * MINUTE)).toThrow(/not a whole multiple/);
  });

  it('gives nothing for no data', () => {
    expect(resampleColumns(CandleColumns.allocate(0), MINUTE, 5 * MINUTE).length).toBe(0);
  });
});
