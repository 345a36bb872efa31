import type { Candle } from './candle.js';
import { hashSeed, hashString, hashWith, unit } from './seeded-hash.js';

const MINUTE_MS = 60_000;
/** Typical size of a one-minute log return: about 0.08 %, a liquid crypto pair on a quiet day. */
const SIGMA = 0.0008;
/** Value-noise octaves from 10 minutes to about 28 days, each twice the period of the one before. */
const OCTAVES = 13;
const SHORTEST_PERIOD_MIN = 10;

interface Octave {
  key: number;
  periodMin: number;
  amplitude: number;
  offsetMin: number;
}

/**
 * The price path of one symbol under one seed, readable at any time in O(octaves).
 * Log-price is a sum of smoothed random-value noises (one per octave, amplitude growing like the square root of
 * the period, as a random walk's spread does) plus a per-minute jitter: it trends and reverses at every scale,
 * which is what makes RSI extremes and moving-average crossings occur, yet never repeats like a sum of sines.
 */
export class SimulatedPath {
  private readonly key: number;
  private readonly jitterKey: number;
  private readonly wickKey: number;
  private readonly basePrice: number;
  private readonly baseVolume: number;
  private readonly octaves: Octave[] = [];

  constructor(seed: number, symbol: string) {
    this.key = hashSeed(hashString(symbol), seed);
    this.jitterKey = hashWith(this.key, 3);
    this.wickKey = hashWith(this.key, 4);
    // Log-uniform between 1 and 50,000: penny coins and BTC-like prices alike.
    this.basePrice = Math.exp(unit(hashWith(this.key, 1)) * Math.log(50_000));
    // Quote volume per minute between 20k and 2M, expressed in base units.
    this.baseVolume = Math.exp(Math.log(20_000) + unit(hashWith(this.key, 2)) * Math.log(100)) / this.basePrice;
    for (let k = 0; k < OCTAVES; k++) {
      const periodMin = SHORTEST_PERIOD_MIN * 2 ** k;
      const octaveKey = hashWith(this.key, 100 + k);
      this.octaves.push({
        key: octaveKey,
        periodMin,
        amplitude: SIGMA * Math.sqrt(periodMin),
        // Staggered knots, so that no two octaves flatten out at the same moment.
        offsetMin: unit(hashWith(octaveKey, -1)) * periodMin,
      });
    }
  }

  /** Price at `minutes` (fractional) since the Unix epoch. */
  priceAt(minutes: number): number {
    let logOffset = SIGMA * valueNoise(this.jitterKey, minutes, false);
    for (const octave of this.octaves) {
      logOffset += octave.amplitude * valueNoise(octave.key, (minutes + octave.offsetMin) / octave.periodMin, true);
    }
    return this.basePrice * Math.exp(logOffset);
  }

  /** The candle made of `count` one-minute candles from `startMinute` (whole minutes since the epoch). */
  candle(startMinute: number, count: number): Candle {
    const open = this.priceAt(startMinute);
    let high = open;
    let low = open;
    let volume = 0;
    let previous = open;
    for (let m = startMinute; m < startMinute + count; m++) {
      const close = this.priceAt(m + 1);
      const wickKey = hashWith(this.wickKey, m);
      // Two intra-minute samples and a small wick give highs and lows beyond the open/close range.
      const early = this.priceAt(m + 1 / 3);
      const late = this.priceAt(m + 2 / 3);
      const top = Math.max(previous, close, early, late);
      const bottom = Math.min(previous, close, early, late);
      high = Math.max(high, top * (1 + SIGMA * 0.5 * unit(wickKey)));
      low = Math.min(low, bottom * (1 - SIGMA * 0.5 * unit(hashWith(wickKey, 1))));
      // Busier when the price moves, as real volume is.
      const move = Math.abs(Math.log(close / previous)) / SIGMA;
      volume += this.baseVolume * (0.2 + 1.6 * unit(hashWith(wickKey, 2))) * (1 + move);
      previous = close;
    }
    return { openTime: startMinute * MINUTE_MS, open, high, low, close: previous, volume };
  }
}

/** Random values in [-1, 1] at integer knots, joined smoothly (smoothstep) or linearly. */
function valueNoise(key: number, x: number, smooth: boolean): number {
  const knot = Math.floor(x);
  const f = x - knot;
  const weight = smooth ? f * f * (3 - 2 * f) : f;
  const a = 2 * unit(hashWith(key, knot)) - 1;
  const b = 2 * unit(hashWith(key, knot + 1)) - 1;
  return a + (b - a) * weight;
}
