import { describe, expect, it } from 'vitest';
import type { MarketRules } from '../../exchange/index.js';
import {
  averageEntry, planLadder, roundToStep, safetyOrderDeviation, safetyOrderSize, takeProfitPrice, type LadderPlan, type LadderSettings,
} from './ladder.js';

/** The first example: base 10, safety 20, d = 1 %, s = 2, v = 2, 4 safety orders, tp 1.5 %. */
const doubling: LadderSettings = {
  baseOrderSize: 10, safetyOrderSize: 20, maxSafetyOrders: 4, priceDeviation: 1, safetyOrderStepScale: 2, safetyOrderVolumeScale: 2, takeProfit: 1.5,
};
/** The second example: base = safety = 10, d = 1.5 %, s = 1.2, v = 1.5, 5 safety orders, tp 1.5 %. */
const gentle: LadderSettings = {
  baseOrderSize: 10, safetyOrderSize: 10, maxSafetyOrders: 5, priceDeviation: 1.5, safetyOrderStepScale: 1.2, safetyOrderVolumeScale: 1.5, takeProfit: 1.5,
};
const rules = (overrides: Partial<MarketRules> = {}): MarketRules => ({
  symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', amountStep: 0.001, priceStep: 0.01, minAmount: null, minCost: null, maxAmount: null, ...overrides,
});
const column = (plan: LadderPlan, key: 'deviation' | 'price' | 'size' | 'amount' | 'cumulativeSize') => plan.levels.map((level) => level[key]);
const last = (plan: LadderPlan) => plan.levels[plan.levels.length - 1];
const kinds = (plan: LadderPlan) => plan.problems.map(({ level, problem }) => `${level}:${problem}`);

describe('ladder helpers', () => {
  it('places safety order n at d·(sⁿ−1)/(s−1), or d·n when s = 1', () => {
    expect([1, 2, 3, 4].map((n) => safetyOrderDeviation(n, 1, 2))).toEqual([1, 3, 7, 15]);
    expect([1, 2, 3].map((n) => safetyOrderDeviation(n, 1.5, 1))).toEqual([1.5, 3, 4.5]);
    expect(safetyOrderDeviation(5, 1.5, 1.2)).toBeCloseTo(11.1624, 10);
  });

  it('sizes safety order n as V₁·vⁿ⁻¹', () => {
    expect([1, 2, 3, 4, 5].map((n) => safetyOrderSize(n, 10, 1.5))).toEqual([10, 15, 22.5, 33.75, 50.625]);
  });

  it('averages entries by quote spent over base bought', () => {
    expect(averageEntry([{ amount: 1, price: 100 }, { amount: 3, price: 80 }])).toBe(85);
    expect(averageEntry([])).toBe(0);
  });

  it('puts the take profit above the average for a long, below it for a short', () => {
    expect(takeProfitPrice(200, 1.5, 'long')).toBe(203);
    expect(takeProfitPrice(200, 1.5, 'short')).toBe(197);
  });

  it('rounds to a step without float noise', () => {
    expect(roundToStep(0.30000000000000004, 0.1, 'down')).toBe(0.3);
    expect(roundToStep(0.3, 0.1, 'down')).toBe(0.3);
    expect(roundToStep(88.8376, 0.01, 'nearest')).toBe(88.84);
    expect(roundToStep(0.2020202, 0.001, 'down')).toBe(0.202);
    expect(roundToStep(91.0192, 0.01, 'up')).toBe(91.02);
    expect(roundToStep(12.34, 0.5, 'nearest')).toBe(12.5);
    expect(roundToStep(0.123456789, 1e-8, 'down')).toBe(0.12345678);
    expect(roundToStep(1.234, 0, 'down')).toBe(1.234);
  });
});

describe('planLadder: the issue examples without rounding', () => {
  it('reproduces the doubling ladder: 99, 97, 93, 85; 310 in all; average 89.674; take profit 91.019', () => {
    const plan = planLadder(doubling, 100);
    expect(plan.levels.map((level) => level.index)).toEqual([0, 1, 2, 3, 4]);
    expect(column(plan, 'deviation')).toEqual([0, 1, 3, 7, 15]);
    expect(column(plan, 'price')).toEqual([100, 99, 97, 93, 85]);
    expect(column(plan, 'size')).toEqual([10, 20, 40, 80, 160]);
    expect(column(plan, 'cumulativeSize')).toEqual([10, 30, 70, 150, 310]);
    expect(plan.levels[0]).toEqual({ index: 0, deviation: 0, price: 100, size: 10, amount: 0.1, cumulativeSize: 10, averageEntry: 100, takeProfitPrice: 101.5 });
    expect(plan.levels[1].amount).toBeCloseTo(20 / 99, 10);
    expect(last(plan).averageEntry).toBeCloseTo(89.674, 3);
    expect(last(plan).takeProfitPrice).toBeCloseTo(91.019, 3);
    expect(plan.totalCapital).toBe(310);
    expect(plan.coveredDeviation).toBe(15);
    expect(plan.problems).toEqual([]);
  });

  it('reproduces the gentle ladder: 1.5 … 11.162 %; 141.875 in all; average 92.635; take profit 94.024', () => {
    const plan = planLadder(gentle, 100);
    const deviations = column(plan, 'deviation');
    [0, 1.5, 3.3, 5.46, 8.052, 11.162].forEach((expected, i) => expect(deviations[i]).toBeCloseTo(expected, 3));
    expect(column(plan, 'size')).toEqual([10, 10, 15, 22.5, 33.75, 50.625]);
    expect(column(plan, 'price')).toEqual([100, 98.5, 96.7, 94.54, 91.948, 88.8376]);
    expect(plan.totalCapital).toBe(141.875);
    expect(last(plan).averageEntry).toBeCloseTo(92.635, 3);
    expect(last(plan).takeProfitPrice).toBeCloseTo(94.024, 3);
    expect(plan.coveredDeviation).toBeCloseTo(11.162, 3);
  });

  it('spaces safety orders evenly when the step scale is 1', () => {
    const plan = planLadder({ ...gentle, safetyOrderStepScale: 1, safetyOrderVolumeScale: 1 }, 200);
    expect(column(plan, 'deviation')).toEqual([0, 1.5, 3, 4.5, 6, 7.5]);
    expect(column(plan, 'price')).toEqual([200, 197, 194, 191, 188, 185]);
    expect(column(plan, 'size')).toEqual([10, 10, 10, 10, 10, 10]);
    expect(plan.totalCapital).toBe(60);
  });

  it('is only the base order when there are no safety orders, and has no take profit without takeProfit', () => {
    const plan = planLadder({ baseOrderSize: 25 }, 50);
    expect(plan).toEqual({
      levels: [{ index: 0, deviation: 0, price: 50, size: 25, amount: 0.5, cumulativeSize: 25, averageEntry: 50, takeProfitPrice: null }],
      totalCapital: 25, coveredDeviation: 0, problems: [],
    });
  });
});

describe('planLadder: take profit of the base order', () => {
  it('targets a profit of tp × base order size over everything bought', () => {
    const plan = planLadder({ ...doubling, takeProfitType: 'base' }, 100);
    const amount = plan.levels.reduce((sum, level) => sum + level.amount, 0);
    expect(last(plan).takeProfitPrice).toBeCloseTo((310 + 0.015 * 10) / amount, 8);
    expect(plan.levels[0].takeProfitPrice).toBe(101.5);
    // profit at the take-profit price equals 1.5 % of the base order, 0.15 quote
    expect(last(plan).takeProfitPrice! * amount - 310).toBeCloseTo(0.15, 8);
  });

  it('mirrors for a short: the profit of buying back below the sell average', () => {
    const plan = planLadder({ ...doubling, takeProfitType: 'base', direction: 'short' }, 100);
    const amount = plan.levels.reduce((sum, level) => sum + level.amount, 0);
    expect(310 - last(plan).takeProfitPrice! * amount).toBeCloseTo(0.15, 8);
  });
});

describe('planLadder: short', () => {
  it('places safety orders above the entry with the same sizes, and the take profit below the average', () => {
    const plan = planLadder({ ...doubling, direction: 'short' }, 100);
    expect(column(plan, 'price')).toEqual([100, 101, 103, 107, 115]);
    expect(column(plan, 'size')).toEqual([10, 20, 40, 80, 160]);
    expect(plan.levels[1].amount).toBeCloseTo(20 / 101, 10);
    const sold = 0.1 + 20 / 101 + 40 / 103 + 80 / 107 + 160 / 115;
    expect(last(plan).averageEntry).toBeCloseTo(310 / sold, 8);
    expect(last(plan).takeProfitPrice).toBeCloseTo((310 / sold) * 0.985, 8);
    expect(last(plan).takeProfitPrice!).toBeLessThan(last(plan).averageEntry);
    expect(plan.coveredDeviation).toBe(15);
  });
});

describe('planLadder: with market precision', () => {
  it('rounds prices to the tick, amounts down to the step, and recomputes sizes from both (doubling)', () => {
    const plan = planLadder(doubling, 100, rules());
    expect(column(plan, 'price')).toEqual([100, 99, 97, 93, 85]);
    expect(column(plan, 'amount')).toEqual([0.1, 0.202, 0.412, 0.86, 1.882]);
    expect(column(plan, 'size')).toEqual([10, 19.998, 39.964, 79.98, 159.97]);
    expect(column(plan, 'cumulativeSize')).toEqual([10, 29.998, 69.962, 149.942, 309.912]);
    expect(plan.totalCapital).toBe(309.912);
    expect(last(plan).averageEntry).toBeCloseTo(309.912 / 3.456, 10);
    expect(last(plan).averageEntry).toBeCloseTo(89.674, 3);
    expect(last(plan).takeProfitPrice).toBe(91.02);
    expect(plan.problems).toEqual([]);
  });

  it('rounds the gentle ladder: 88.8376 becomes 88.84 and the take profit is rounded up to the tick', () => {
    const plan = planLadder(gentle, 100, rules());
    expect(column(plan, 'price')).toEqual([100, 98.5, 96.7, 94.54, 91.95, 88.84]);
    expect(column(plan, 'amount')).toEqual([0.1, 0.101, 0.155, 0.237, 0.367, 0.569]);
    expect(column(plan, 'size')).toEqual([10, 9.9485, 14.9885, 22.40598, 33.74565, 50.54996]);
    expect(plan.totalCapital).toBe(141.63859);
    expect(last(plan).averageEntry).toBeCloseTo(92.635, 3);
    expect(last(plan).takeProfitPrice).toBe(94.03);
    expect(plan.coveredDeviation).toBeCloseTo(11.1624, 10);
  });

  it('rounds a short take profit down to the tick', () => {
    const plan = planLadder({ ...gentle, direction: 'short' }, 100, rules());
    const raw = last(plan).averageEntry * 0.985;
    expect(last(plan).takeProfitPrice).toBe(Math.floor(raw * 100) / 100);
  });

  it('flags every level below the minimum cost or amount, naming the level', () => {
    const plan = planLadder(gentle, 100, rules({ minCost: 15, minAmount: 0.15 }));
    expect(kinds(plan)).toEqual(['0:below_min_amount', '0:below_min_cost', '1:below_min_amount', '1:below_min_cost', '2:below_min_cost']);
    expect(plan.problems[1].message).toContain('10 USDT is below the minimum of 15 USDT');
  });

  it('flags an amount that rounds down to nothing even without a stated minimum', () => {
    const plan = planLadder({ baseOrderSize: 10 }, 60_000, rules({ amountStep: 0.001 }));
    expect(plan.levels[0]).toMatchObject({ amount: 0, size: 0 });
    expect(kinds(plan)).toEqual(['0:below_min_amount']);
  });

  it('flags an amount above the maximum', () => {
    expect(kinds(planLadder(doubling, 100, rules({ maxAmount: 1 })))).toEqual(['4:above_max_amount']);
  });
});

describe('planLadder: balance and impossible prices', () => {
  it('flags each level whose cumulative capital exceeds the balance', () => {
    const plan = planLadder(doubling, 100, undefined, 100);
    expect(kinds(plan)).toEqual(['3:exceeds_balance', '4:exceeds_balance']);
    expect(plan.problems[0].message).toContain('150');
    expect(kinds(planLadder(doubling, 100, undefined, 310))).toEqual([]);
  });

  it('flags long levels at or past 100 % deviation and leaves them out of the totals', () => {
    const plan = planLadder({ ...doubling, priceDeviation: 10 }, 100);
    expect(column(plan, 'deviation')).toEqual([0, 10, 30, 70, 150]);
    expect(kinds(plan)).toEqual(['4:price_not_positive']);
    expect(last(plan)).toMatchObject({ price: -50, amount: 0, cumulativeSize: 150, averageEntry: plan.levels[3].averageEntry });
    expect(plan.totalCapital).toBe(150);
    expect(plan.coveredDeviation).toBe(70);
  });

  it('flags a price that rounds to zero on the tick', () => {
    const plan = planLadder({ baseOrderSize: 10, safetyOrderSize: 10, maxSafetyOrders: 1, priceDeviation: 99.9 }, 1, rules({ priceStep: 0.01 }));
    expect(plan.levels[1].price).toBe(0);
    expect(kinds(plan)).toEqual(['1:price_not_positive']);
  });
});
