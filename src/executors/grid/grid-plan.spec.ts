import { describe, expect, it } from 'vitest';
import type { MarketRules } from '../../exchange/index.js';
import type { OrderEntity } from '../../trading/index.js';
import { gridLines, linePrices, nearestLine, recentre, slotProfit, startLayout } from './grid-plan.js';
import { previewGrid } from './grid-preview.js';
import { slotAction } from './grid-slots.js';

/** Binance's BTC/USDT rules, as the paper exchange has them. */
const BTC: MarketRules = { symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', amountStep: 0.00001, priceStep: 0.01, minAmount: 0.00001, minCost: 5, maxAmount: 9000 };

describe('gridLines', () => {
  it('spaces arithmetic lines by equal steps, both edges included', () => {
    expect(linePrices({ lowerPrice: 100, upperPrice: 200, gridLines: 5 })).toEqual([100, 125, 150, 175, 200]);
    expect(linePrices({ lowerPrice: 0.1, upperPrice: 0.3, gridLines: 3 })).toEqual([0.1, 0.2, 0.3]);
  });

  it('spaces geometric lines by equal ratios', () => {
    const prices = linePrices({ lowerPrice: 100, upperPrice: 400, gridLines: 3, spacing: 'geometric' });
    expect(prices).toEqual([100, 200, 400]);
    const fine = linePrices({ lowerPrice: 20000, upperPrice: 24000, gridLines: 9, spacing: 'geometric' });
    const ratios = fine.slice(1).map((price, i) => price / fine[i]);
    for (const ratio of ratios) expect(ratio).toBeCloseTo(1.2 ** (1 / 8), 10);
  });

  it('rounds line prices to the market tick', () => {
    const prices = linePrices({ lowerPrice: 20000, upperPrice: 20001, gridLines: 4 }, BTC);
    expect(prices).toEqual([20000, 20000.33, 20000.67, 20001]);
  });

  it('sizes every line alike: the investment over the prices of the lines that can hold a buy, rounded down to the lot step', () => {
    const plan = gridLines({ lowerPrice: 22900, upperPrice: 23900, gridLines: 11, investment: 1000 }, BTC);
    expect(plan.prices[0]).toBe(22900);
    expect(plan.prices[10]).toBe(23900);
    // 1000 / (22900 + 23000 + … + 23800) = 1000 / 233500 = 0.0042826 → 0.00428
    expect(plan.amountPerLine).toBe(0.00428);
    expect(plan.investment).toBeCloseTo(0.00428 * 233500, 8);
    expect(plan.investment).toBeLessThanOrEqual(1000);
    expect(plan.problems).toEqual([]);
    expect(gridLines({ lowerPrice: 22900, upperPrice: 23900, gridLines: 11, amountPerLine: 0.0012345 }, BTC).amountPerLine).toBe(0.00123);
  });

  it('answers profit per grid after the maker fee of both legs', () => {
    const plan = gridLines({ lowerPrice: 100, upperPrice: 200, gridLines: 3, amountPerLine: 1 });
    // 100 → 150: 50 − 0.001 × (100 + 150) = 49.75 (49.75 %); 150 → 200: 50 − 0.35 = 49.65 (33.1 %)
    expect(plan.profitPerGrid).toEqual({ minQuote: 49.65, maxQuote: 49.75, minPercent: 33.1, maxPercent: 49.75 });
    expect(slotProfit(100, 101, 2, 0.001)).toEqual({ quote: 1.598, percent: 0.799 });
    // Geometric: every slot earns the same percentage.
    const geometric = gridLines({ lowerPrice: 100, upperPrice: 400, gridLines: 3, spacing: 'geometric', amountPerLine: 1 });
    expect(geometric.profitPerGrid.minPercent).toBe(geometric.profitPerGrid.maxPercent);
  });

  it('names the lines that break the market minimums, and spacing too narrow to earn the fees', () => {
    const small = gridLines({ lowerPrice: 20000, upperPrice: 30000, gridLines: 3, amountPerLine: 0.0002 }, BTC);
    // 0.0002 × 20000 = 4 and × 25000 = 5 (the minimum, allowed), × 30000 = 6.
    expect(small.problems).toEqual([{ line: 0, problem: 'below_min_cost', message: 'line 0 at 20000: cost 4 USDT is below the minimum of 5 USDT' }]);
    const tiny = gridLines({ lowerPrice: 20000, upperPrice: 30000, gridLines: 3, amountPerLine: 0.000001 }, BTC);
    expect(tiny.amountPerLine).toBe(0);
    expect(tiny.problems.filter((p) => p.problem === 'below_min_amount').map((p) => p.line)).toEqual([0, 1, 2]);
    const narrow = gridLines({ lowerPrice: 20000, upperPrice: 20010, gridLines: 3, amountPerLine: 0.01 }, BTC);
    expect(narrow.problems.map((p) => p.problem)).toEqual(['no_profit', 'no_profit']);
    const crowded = gridLines({ lowerPrice: 100, upperPrice: 100.02, gridLines: 5, amountPerLine: 1 }, BTC);
    expect(crowded.problems.some((p) => p.problem === 'lines_collide')).toBe(true);
  });
});

describe('grid layout', () => {
  const prices = [100, 110, 120, 130, 140];

  it('leaves the line nearest the price empty, buys below it and sells above it', () => {
    expect(nearestLine(prices, 118)).toBe(2);
    expect(startLayout(prices, 118)).toEqual(['buy', 'buy', 'sell', 'sell']);
    expect(startLayout(prices, 100)).toEqual(['sell', 'sell', 'sell', 'sell']);
    expect(startLayout(prices, 150)).toEqual(['buy', 'buy', 'buy', 'buy']);
  });

  it('previews each line with its side and amount', () => {
    const preview = previewGrid({ lowerPrice: 22900, upperPrice: 23900, gridLines: 11, investment: 1000 }, 23140, BTC);
    expect(preview.lines.slice(0, 4)).toEqual([
      { index: 0, price: 22900, side: 'buy', amount: 0.00428 },
      { index: 1, price: 23000, side: 'buy', amount: 0.00428 },
      { index: 2, price: 23100, side: 'none', amount: 0 },
      { index: 3, price: 23200, side: 'sell', amount: 0.00428 },
    ]);
    expect(preview.startBuyAmount).toBeCloseTo(8 * 0.00428, 10);
    expect(preview.profitPerGrid.minQuote).toBeCloseTo(100 * 0.00428 - 0.001 * 0.00428 * (23800 + 23900), 8);
  });

  it('re-centres a range on the price, keeping its width (arithmetic) or its ratio (geometric)', () => {
    expect(recentre({ lowerPrice: 100, upperPrice: 200, gridLines: 5 }, 300)).toEqual({ lowerPrice: 250, upperPrice: 350 });
    expect(recentre({ lowerPrice: 100, upperPrice: 400, gridLines: 5, spacing: 'geometric' }, 1000)).toEqual({ lowerPrice: 500, upperPrice: 2000 });
  });
});

describe('slotAction', () => {
  const order = (patch: Partial<OrderEntity>) => ({ status: 'open', filled: 0, amount: 1, ...patch }) as OrderEntity;

  it('places, waits, mirrors a fill, replaces an order canceled unfilled and stays on a refused one', () => {
    expect(slotAction(undefined)).toBe('place');
    expect(slotAction(order({ status: 'pending' }))).toBe('wait');
    expect(slotAction(order({ status: 'partially_filled', filled: 0.5 }))).toBe('wait');
    expect(slotAction(order({ status: 'filled', filled: 1 }))).toBe('mirror');
    expect(slotAction(order({ status: 'canceled', filled: 0.5 }))).toBe('mirror');
    expect(slotAction(order({ status: 'canceled' }))).toBe('replace');
    expect(slotAction(order({ status: 'rejected' }))).toBe('blocked');
  });
});
