import { describe, expect, it } from 'vitest';
import type { Candle } from '../../market-data/index.js';
import { OrderRejected } from '../exchange.port.js';
import { floorUnits, fromUnits, isOnStep, paperMarketRules, priceToTick, stepDecimals } from './paper-markets.js';
import { matchCandles, type RestingOrder } from './paper-matching.js';

const MINUTE = 60_000;
const candle = (minute: number, low: number, high: number, volume: number): Candle => ({ openTime: minute * MINUTE, open: low, high, low, close: high, volume });
const buy = (over: Partial<RestingOrder> = {}): RestingOrder => ({ side: 'buy', price: 100, remainingUnits: 1000, amountStep: 0.001, checkedUntil: 10 * MINUTE, ...over });

describe('matchCandles', () => {
  it('fills a buy on the first candle whose low reaches the price, never on one that opened before the order', () => {
    const candles = [candle(9, 90, 110, 50), candle(10, 101, 110, 50), candle(11, 100, 105, 50)];
    const result = matchCandles(buy(), candles, MINUTE, 0.1);
    expect(result.fills).toEqual([{ candleOpenTime: 11 * MINUTE, amount: 1 }]);
    expect(result.checkedUntil).toBe(12 * MINUTE);
  });

  it('fills a sell when the high reaches the price', () => {
    const result = matchCandles(buy({ side: 'sell' }), [candle(10, 90, 99.99, 50), candle(11, 95, 100, 50)], MINUTE, 0.1);
    expect(result.fills.map((f) => f.candleOpenTime)).toEqual([11 * MINUTE]);
  });

  it('caps each candle at the volume share, in whole lot steps, until nothing remains', () => {
    const candles = [candle(10, 99, 101, 4.0009), candle(11, 99, 101, 0.005), candle(12, 99, 101, 100), candle(13, 99, 101, 100)];
    const result = matchCandles(buy(), candles, MINUTE, 0.1);
    // 0.40009 → 0.4 (lot 0.001); 0.0005 is under one lot, so nothing; then the remaining 0.6; then done.
    expect(result.fills).toEqual([
      { candleOpenTime: 10 * MINUTE, amount: 0.4 },
      { candleOpenTime: 12 * MINUTE, amount: 0.6 },
    ]);
    expect(result.checkedUntil).toBe(13 * MINUTE);
  });

  it('leaves checkedUntil as it was when no candle is new', () => {
    expect(matchCandles(buy(), [candle(9, 1, 2, 3)], MINUTE, 0.1)).toEqual({ fills: [], checkedUntil: 10 * MINUTE });
  });
});

describe('paper market rules and steps', () => {
  it('gives Binance filters for known markets and a default for other pairs', () => {
    expect(paperMarketRules('BTC/USDT')).toMatchObject({ base: 'BTC', quote: 'USDT', amountStep: 0.00001, priceStep: 0.01, minCost: 5 });
    expect(paperMarketRules('FOO/BAR')).toMatchObject({ base: 'FOO', quote: 'BAR', amountStep: 1e-8, priceStep: 1e-8, minCost: 1 });
    expect(() => paperMarketRules('BTCUSDT')).toThrow(OrderRejected);
  });

  it('counts steps without float error', () => {
    expect(stepDecimals(0.00001)).toBe(5);
    expect(stepDecimals(1)).toBe(0);
    expect(stepDecimals(0.5)).toBe(1);
    expect(floorUnits(0.3 - 0.1, 0.1)).toBe(2);
    expect(fromUnits(3, 0.1)).toBe(0.3);
    expect(isOnStep(0.00123, 0.00001)).toBe(true);
    expect(isOnStep(0.000015, 0.00001)).toBe(false);
  });

  it('rounds prices to the tick against the trader', () => {
    expect(priceToTick(100.001, 0.01, 'buy')).toBe(100.01);
    expect(priceToTick(100.009, 0.01, 'sell')).toBe(100);
    expect(priceToTick(100.1, 0.01, 'buy')).toBe(100.1);
  });
});
