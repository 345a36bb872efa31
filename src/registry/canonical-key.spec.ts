import { describe, expect, it } from 'vitest';
import { canonicalKey, canonicalNumber } from './canonical-key.js';
import { normalizeCondition, type ConditionInput } from './condition-definition.js';
import { ValidationFailed } from '../common/domain-error.js';

const market = { exchange: 'Paper', symbol: 'btc/usdt' };
const rsiBelow = (value: number, params?: Record<string, unknown>): ConditionInput => ({
  timeframe: '15m', indicator: 'rsi', params, operator: 'lt', value,
});
const keyOf = (input: ConditionInput) => canonicalKey(normalizeCondition(input, market, 'conditions.0'));

describe('canonical condition keys', () => {
  it('writes numbers one way', () => {
    expect(canonicalNumber(30)).toBe('30');
    expect(canonicalNumber(30.0)).toBe('30');
    expect(canonicalNumber(3e1)).toBe('30');
    expect(canonicalNumber(-0)).toBe('0');
    expect(canonicalNumber(0.1 + 0.2)).toBe('0.30000000000000004');
  });

  it('fills default parameters, so an omitted default and an explicit one share a key', () => {
    expect(keyOf(rsiBelow(30))).toBe(keyOf(rsiBelow(30.0, { period: 14 })));
    expect(keyOf(rsiBelow(30))).toBe('paper:BTC/USDT:15m|rsi(period=14) lt 30');
  });

  it('orders parameters by name whatever order the client used', () => {
    const a = keyOf({ timeframe: '1h', indicator: 'macd', params: { slow: 26, fast: 12, signal: 9 }, output: 'histogram', operator: 'crosses_above', value: 0 });
    const b = keyOf({ timeframe: '1h', indicator: 'macd', params: { signal: 9, fast: 12, slow: 26 }, output: 'histogram', operator: 'crosses_above', value: 0 });
    expect(a).toBe(b);
    expect(a).toBe('paper:BTC/USDT:1h|macd(fast=12,signal=9,slow=26).histogram crosses_above 0');
  });

  it('keys an indicator on the right-hand side', () => {
    const key = keyOf({ timeframe: '1h', indicator: 'ema', params: { period: 9 }, operator: 'crosses_above', value: { indicator: 'ema', params: { period: 21 } } });
    expect(key).toBe('paper:BTC/USDT:1h|ema(period=9) crosses_above ema(period=21)');
  });

  it('tells apart what differs: threshold, period, operator, timeframe, market', () => {
    const keys = new Set([
      keyOf(rsiBelow(30)), keyOf(rsiBelow(31)), keyOf(rsiBelow(30, { period: 7 })),
      keyOf({ ...rsiBelow(30), operator: 'lte' }), keyOf({ ...rsiBelow(30), timeframe: '1h' }),
      canonicalKey(normalizeCondition(rsiBelow(30), { exchange: 'binance', symbol: 'BTC/USDT' }, 'c')),
    ]);
    expect(keys.size).toBe(6);
  });

  it('names each bad field', () => {
    const attempt = () => normalizeCondition({ timeframe: '15m', indicator: 'macd', params: { period: 3, fast: 0.5 }, operator: 'gt', value: { indicator: 'nope' } }, market, 'conditions.1');
    expect(attempt).toThrow(ValidationFailed);
    try { attempt(); } catch (error) {
      const fields = (error as ValidationFailed).fields.map((f) => f.field);
      expect(fields).toEqual(expect.arrayContaining(['conditions.1.params.period', 'conditions.1.params.fast', 'conditions.1.output', 'conditions.1.value.indicator']));
    }
  });
});
