import { describe, expect, it } from 'vitest';
import { add, exact, multiply, toNumber } from './exact-decimal.js';

describe('exact decimals', () => {
  it('reads Postgres numeric text and the numbers pg sends (shortest form, exponents included)', () => {
    expect(exact('123.4500')).toEqual({ units: 1234500n, scale: 4 });
    expect(exact('-0.5')).toEqual({ units: -5n, scale: 1 });
    expect(exact(1e-7)).toEqual({ units: 1n, scale: 7 });
    expect(exact(1.5e21)).toEqual({ units: 1500000000000000000000n, scale: 0 });
    expect(exact(0.1)).toEqual({ units: 1n, scale: 1 });
    expect(() => exact(Number.NaN)).toThrow();
    expect(() => exact('')).toThrow();
  });

  it('adds and multiplies without float error, and converts as Number() converts the same text', () => {
    expect(toNumber(add(exact(0.1), exact(0.2)))).toBe(0.3);
    expect(toNumber(add(add(exact(6.1), exact(16.1)), exact(6)))).toBe(28.2);
    expect(6.1 + 16.1 + 6).not.toBe(28.2);
    expect(toNumber(multiply(exact(100 / 3), exact(3)))).toBe(Number('100.000000000000008'));
    expect(toNumber(exact('-0.000001'))).toBe(-0.000001);
    expect(toNumber(add(exact('1.5'), exact(-2)))).toBe(-0.5);
  });
});
