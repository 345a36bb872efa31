import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * An independent reading of the market: its own CSV parser, resampler and Wilder RSI, sharing no code with the app,
 * so that end-to-end tests check the app's answers against a second computation.
 */
export interface RefCandle {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export const BINANCE_1M = '../shared/data/binanceus_btcusdt_1m_2023-03-01_2023-03-21.csv';

export function readBinance1m(path = BINANCE_1M): RefCandle[] {
  const lines = readFileSync(resolve(process.cwd(), path), 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => {
    const [time, open, high, low, close, volume] = line.split(',');
    return { openTime: Date.parse(time.replace(' ', 'T')), open: +open, high: +high, low: +low, close: +close, volume: +volume };
  });
}

export function resample(candles: RefCandle[], minutes: number): RefCandle[] {
  const size = minutes * 60_000;
  const buckets = new Map<number, RefCandle[]>();
  for (const candle of candles) {
    const start = Math.floor(candle.openTime / size) * size;
    buckets.set(start, [...(buckets.get(start) ?? []), candle]);
  }
  return [...buckets.entries()]
    .filter(([, group]) => group.length === minutes)
    .map(([openTime, group]) => ({
      openTime,
      open: group[0].open,
      high: Math.max(...group.map((c) => c.high)),
      low: Math.min(...group.map((c) => c.low)),
      close: group[group.length - 1].close,
      volume: group.reduce((sum, c) => sum + c.volume, 0),
    }));
}

/** Wilder's RSI: the first average is the mean of `period` changes, then smoothed; null until then. */
export function wilderRsi(closes: number[], period: number): (number | null)[] {
  const out: (number | null)[] = closes.map(() => null);
  let gain = 0;
  let loss = 0;
  for (let i = 1; i < closes.length; i++) {
    const change = closes[i] - closes[i - 1];
    const up = Math.max(change, 0);
    const down = Math.max(-change, 0);
    if (i <= period) {
      gain += up / period;
      loss += down / period;
      if (i < period) continue;
    } else {
      gain = (gain * (period - 1) + up) / period;
      loss = (loss * (period - 1) + down) / period;
    }
    out[i] = loss === 0 ? 100 : 100 - 100 / (1 + gain / loss);
  }
  return out;
}
