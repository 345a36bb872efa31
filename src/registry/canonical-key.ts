import type { ConditionDefinition, IndicatorRef } from './indicator-catalog.js';

/** Numbers written one way only: 30, 30.0 and 3e1 are all "30"; -0 is "0". */
export function canonicalNumber(value: number): string {
  if (Object.is(value, -0)) return '0';
  return String(value);
}

export function indicatorKey(ref: IndicatorRef): string {
  const params = Object.keys(ref.params)
    .sort()
    .map((name) => `${name}=${canonicalNumber(ref.params[name])}`)
    .join(',');
  return `${ref.indicator}(${params})${ref.output ? `.${ref.output}` : ''}`;
}

/**
 * The registry's identity of a condition: two bots asking the same thing get the same key and share one row.
 * Example: `paper:BTC/USDT:15m|rsi(period=14) lt 30`.
 */
export function canonicalKey(definition: ConditionDefinition): string {
  const rhs = typeof definition.rhs === 'number' ? canonicalNumber(definition.rhs) : indicatorKey(definition.rhs);
  return `${definition.exchange}:${definition.symbol}:${definition.timeframe}|${indicatorKey(definition.lhs)} ${definition.operator} ${rhs}`;
}
