import { describe, expect, it } from 'vitest';
import { holds } from './compare.js';

const at = (lhs: number | null, rhs: number | null) => ({ lhs, rhs });

describe('holds', () => {
  it.each([
    ['lt', 29, 30, true], ['lt', 30, 30, false],
    ['lte', 30, 30, true], ['lte', 31, 30, false],
    ['gt', 31, 30, true], ['gt', 30, 30, false],
    ['gte', 30, 30, true], ['gte', 29, 30, false],
  ] as const)('%s: %d vs %d is %s', (operator, lhs, rhs, expected) => {
    expect(holds(operator, at(lhs, rhs), undefined)).toBe(expected);
  });

  it('is false while a side is still warming up', () => {
    expect(holds('lt', at(null, 30), undefined)).toBe(false);
    expect(holds('gt', at(5, null), undefined)).toBe(false);
  });

  it('crosses above only on the candle where it happens', () => {
    expect(holds('crosses_above', at(11, 10), at(9, 10))).toBe(true);
    expect(holds('crosses_above', at(11, 10), at(10, 10))).toBe(true);
    expect(holds('crosses_above', at(12, 10), at(11, 10))).toBe(false);
    expect(holds('crosses_above', at(9, 10), at(8, 10))).toBe(false);
  });

  it('crosses below only on the candle where it happens', () => {
    expect(holds('crosses_below', at(9, 10), at(11, 10))).toBe(true);
    expect(holds('crosses_below', at(8, 10), at(9, 10))).toBe(false);
  });

  it('needs a known previous candle to call a crossing', () => {
    expect(holds('crosses_above', at(11, 10), undefined)).toBe(false);
    expect(holds('crosses_above', at(11, 10), at(null, 10))).toBe(false);
  });
});
