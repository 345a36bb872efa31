import type { Candle } from '../../market-data/index.js';
import { floorUnits, fromUnits } from './paper-markets.js';

/** What the matcher needs of a resting limit order. */
export interface RestingOrder {
  side: 'buy' | 'sell';
  price: number;
  /** Amount still to fill, in whole lot steps (so partial fills never leave float dust). */
  remainingUnits: number;
  amountStep: number;
  /** Candles opening at or after this time have not been looked at yet. */
  checkedUntil: number;
}

export interface CandleFill {
  candleOpenTime: number;
  amount: number;
}

export interface MatchResult {
  fills: CandleFill[];
  /** The new `checkedUntil`: the close of the last candle looked at, or unchanged when there was none. */
  checkedUntil: number;
}

/**
 * Walks a resting limit order through closed candles, oldest first. A candle whose range reaches the limit price
 * (low ≤ buy price, high ≥ sell price) fills at the limit price, at most `volumeShare` of the candle's volume:
 * an order rests in a queue with others and gets only part of the trading at its price, so a large order fills
 * over several candles. Touching the price counts as crossing it (an optimistic queue position, kept simple).
 * Candles that opened before `checkedUntil` (the order's placement, or candles already matched) never fill it.
 * Pure and deterministic: the same candles always give the same fills, whoever matches and whenever.
 */
export function matchCandles(order: RestingOrder, candles: readonly Candle[], timeframeMs: number, volumeShare: number): MatchResult {
  const fills: CandleFill[] = [];
  let remaining = order.remainingUnits;
  let checkedUntil = order.checkedUntil;
  for (const candle of candles) {
    if (remaining <= 0) break;
    if (candle.openTime < checkedUntil) continue;
    checkedUntil = candle.openTime + timeframeMs;
    const crossed = order.side === 'buy' ? candle.low <= order.price : candle.high >= order.price;
    if (!crossed) continue;
    const units = Math.min(remaining, floorUnits(volumeShare * candle.volume, order.amountStep));
    if (units <= 0) continue;
    fills.push({ candleOpenTime: candle.openTime, amount: fromUnits(units, order.amountStep) });
    remaining -= units;
  }
  return { fills, checkedUntil };
}
