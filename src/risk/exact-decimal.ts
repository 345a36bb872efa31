/**
 * Exact decimal sums and products, as Postgres `numeric` computes them. The risk session adds the deals a transaction
 * opens to an exposure read from Postgres; doing that in floats could put a decision at the limit on the other side
 * of it from the one a fresh read would give. Values are `units × 10^-scale`.
 */
export interface ExactDecimal {
  units: bigint;
  scale: number;
}

export const ZERO: ExactDecimal = { units: 0n, scale: 0 };

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parses numeric text from Postgres or a JS number (its shortest round-trip form, which is what `pg` sends). */
export function exact(value: number | string): ExactDecimal {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = DECIMAL.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) throw new Error(`not a finite decimal: ${text}`);
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  const digits = BigInt(`${whole}${fraction}` || '0');
  const scale = fraction.length - Number(exponent);
  const units = sign === '-' ? -digits : digits;
  return scale >= 0 ? { units, scale } : { units: units * 10n ** BigInt(-scale), scale: 0 };
}

const rescale = (value: ExactDecimal, scale: number): bigint => value.units * 10n ** BigInt(scale - value.scale);

export function add(a: ExactDecimal, b: ExactDecimal): ExactDecimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale) + rescale(b, scale), scale };
}

export function multiply(a: ExactDecimal, b: ExactDecimal): ExactDecimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

export function isPositive(value: ExactDecimal): boolean {
  return value.units > 0n;
}

/** The nearest double: the same number `Number()` gives for Postgres's text of the same value. */
export function toNumber(value: ExactDecimal): number {
  const negative = value.units < 0n;
  const digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, '0');
  const point = digits.length - value.scale;
  return Number(`${negative ? '-' : ''}${digits.slice(0, point)}.${digits.slice(point) || '0'}`);
}
