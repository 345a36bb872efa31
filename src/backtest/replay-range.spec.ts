import { describe, expect, it } from 'vitest';
import type { CandleFile } from './candle-file.js';
import { inferTimeframe, marketOf } from './candle-file.js';
import { replayRange } from './replay-range.js';

const MINUTE = 60_000;
const file: CandleFile = { path: '/x.csv', symbol: 'BTC/USDT', timeframe: '1m', start: Date.UTC(2023, 2, 1), end: Date.UTC(2023, 2, 2), symbolAssumed: false };

describe('the span a backtest replays', () => {
  it('is the file by default, the asked part of it otherwise, on step boundaries', () => {
    expect(replayRange(file, {})).toEqual({ from: file.start + MINUTE, to: file.end, step: '1m', stepMs: MINUTE, steps: 1439 });
    expect(replayRange(file, { step: '1h' })).toMatchObject({ from: file.start + 60 * MINUTE, steps: 23 });
    expect(replayRange(file, { from: file.start + 90 * MINUTE + 1, to: file.start + 5 * 60 * MINUTE - 1, step: '1h' }))
      .toEqual({ from: file.start + 2 * 60 * MINUTE, to: file.start + 4 * 60 * MINUTE, step: '1h', stepMs: 60 * MINUTE, steps: 2 });
    expect(replayRange(file, { from: file.start - 86_400_000, to: file.end + 86_400_000 })).toMatchObject({ from: file.start, to: file.end });
  });

  it('refuses an empty span and a step the candles cannot make', () => {
    expect(() => replayRange(file, { from: file.end + MINUTE })).toThrow(/nothing to replay/);
    expect(() => replayRange(file, { from: file.start + 10 * MINUTE, to: file.start })).toThrow(/--from .* must be before --to/);
    expect(() => replayRange({ ...file, timeframe: '15m' }, { step: '1m' })).toThrow(/--step/);
  });
});

describe('the candle file', () => {
  it('finds its timeframe from the spacing of its candles, a gap notwithstanding', () => {
    const times = (gaps: number[]) => ({ openTime: Float64Array.from(gaps.reduce<number[]>((all, gap) => [...all, all.at(-1)! + gap], [0])), length: gaps.length + 1 });
    expect(inferTimeframe(times([MINUTE, 5 * MINUTE, MINUTE]), 'f.csv')).toBe('1m');
    expect(inferTimeframe(times([3_600_000, 3_600_000]), 'f.csv')).toBe('1h');
    expect(() => inferTimeframe(times([7 * MINUTE]), 'f.csv')).toThrow(/--timeframe/);
  });

  it('holds the bot\'s market unless told otherwise, and says when that is only assumed', () => {
    expect(marketOf('data/binanceus_btcusdt_1m.csv', 'BTC/USDT', undefined)).toEqual({ symbol: 'BTC/USDT', assumed: false });
    expect(marketOf('data/candles.csv', 'BTC/USDT', undefined)).toEqual({ symbol: 'BTC/USDT', assumed: true });
    expect(marketOf('data/candles.csv', 'BTC/USDT', 'BTC/USDT')).toEqual({ symbol: 'BTC/USDT', assumed: false });
    expect(() => marketOf('data/candles.csv', 'BTC/USDT', 'ETH/USDT')).toThrow(/trades BTC\/USDT but --symbol says .* ETH\/USDT/);
  });
});
