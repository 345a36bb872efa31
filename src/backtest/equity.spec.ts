import { describe, expect, it } from 'vitest';
import { downsample, maxDrawdown, type EquityPoint } from './equity.js';

const curve = (values: number[]): EquityPoint[] => values.map((v, i) => [i * 60_000, v]);

describe('equity curve', () => {
  it('measures the largest fall from a running peak, in quote and in percent of that peak', () => {
    expect(maxDrawdown(curve([100, 110, 99, 120, 90, 130]))).toEqual({ amount: -30, percent: -25, peakAt: 3 * 60_000, troughAt: 4 * 60_000 });
    expect(maxDrawdown(curve([100, 101, 102]))).toEqual({ amount: 0, percent: 0, peakAt: null, troughAt: null });
    expect(maxDrawdown([])).toMatchObject({ amount: 0 });
  });

  it('keeps a short curve whole and a long one within the limit, with its first, last, lowest and highest points', () => {
    const short = curve([1, 2, 3]);
    expect(downsample(short, 10)).toEqual(short);
    const values = Array.from({ length: 10_000 }, (_, i) => 1000 + Math.sin(i / 50) * 10 + (i === 7777 ? -500 : 0) + (i === 4242 ? 300 : 0));
    const long = curve(values);
    const kept = downsample(long, 400);
    expect(kept.length).toBeLessThanOrEqual(400);
    expect(kept[0]).toEqual(long[0]);
    expect(kept.at(-1)).toEqual(long.at(-1));
    expect(kept).toContainEqual(long[7777]);
    expect(kept).toContainEqual(long[4242]);
    expect(kept.map((p) => p[0])).toEqual([...kept.map((p) => p[0])].sort((a, b) => a - b));
    // Peaks and troughs survive, so the drawdown of the kept points is the drawdown of the whole curve.
    expect(maxDrawdown(kept)).toEqual(maxDrawdown(long));
  });
});
