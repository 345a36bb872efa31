import type { Rng } from './seeded-random.js';

/** JSON text that JSON.stringify cannot write: 1e309, -0, escaped lone surrogates, nesting built as text. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** An object that names a key twice (JSON.parse keeps the last). */
export class DuplicateKeys {
  constructor(readonly entries: readonly (readonly [string, Hostile])[]) {}
}

export type Hostile = null | boolean | number | string | RawJson | DuplicateKeys | Hostile[] | { [key: string]: Hostile };
export type JsonPath = (string | number)[];

export function toJsonText(value: Hostile): string {
  if (value instanceof RawJson) return value.text;
  if (value instanceof DuplicateKeys) return objectText(value.entries);
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') return objectText(Object.entries(value));
  return JSON.stringify(value);
}

const objectText = (entries: readonly (readonly [string, Hostile])[]) => `{${entries.map(([key, v]) => `${JSON.stringify(key)}:${toJsonText(v)}`).join(',')}}`;

/** Sets a key as an own property, `__proto__` included (plain assignment would replace the prototype instead). */
export function setKey(target: Record<string, Hostile>, key: string, value: Hostile): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export const isPlainObject = (value: unknown): value is Record<string, Hostile> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof RawJson) && !(value instanceof DuplicateKeys);

export const nested = (depth: number, kind: 'object' | 'array'): RawJson =>
  new RawJson(kind === 'object' ? `${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`);

/** Strings a validator may not expect: control characters, bidi overrides, homoglyphs, injection-shaped text. */
export const ODD_STRINGS: readonly string[] = [
  '', ' ', '\t\n', '\u0000', 'a\u0000b', '\u202eRTL', 'zero\u200bwidth', 'e\u0301\u0301\u0301', '😀🚀', '中文名',
  "'; DROP TABLE bots; --", '" OR "1"="1', '../../etc/passwd', '<script>alert(1)</script>', '%s%s%n', '${7*7}', '{{7*7}}',
  'constructor', '__proto__', 'toString', 'hasOwnProperty', 'null', 'undefined', 'true', '[]', '{}',
];

/** Symbols and exchange ids with odd characters, most of them one character away from valid. */
export const ODD_SYMBOLS: readonly string[] = [
  'BTC/USDT ', ' BTC/USDT', 'BTC//USDT', 'BTC/USDT/ETH', '/', 'BTC\\USDT', 'BTC/ＵＳＤＴ', 'ＢＴＣ/USDT', 'BTC/USDT\u0000', 'BTC/USD T',
  'BTC\u202e/USDT', '😀/USDT', `${'A'.repeat(21)}/USDT`, "BTC/USDT' OR 1=1 --", 'BTC/USDT;', 'BTC/%00', 'BTC-USDT', 'btc/usdt', 'BINANCE', 'pa per',
  'paper\n', 'Paper', 'p', 'x'.repeat(31),
];

export const NUMERIC_STRINGS: readonly string[] = ['NaN', 'Infinity', '-Infinity', '1e309', '-1', '0', '100', '0x10', ' 1 ', '1,5', '١٢'];

/** A value of the wrong type, out of range, or too large: what replaces a field of a valid body. */
export function hostileValue(rng: Rng, key?: string | number): Hostile {
  if (typeof key === 'string' && /symbol|exchange|name|label|indicator|timeframe|operator|output/i.test(key) && rng.chance(0.4)) return rng.pick(ODD_SYMBOLS);
  return rng.weighted<() => Hostile>([
    [3, () => rng.pick([-1, 0, 1.5, -100, 1e15, 1e308, 2 ** 53, 0.1 + 0.2, 100, 14, 1, 2])],
    [3, () => new RawJson(rng.pick(['1e309', '-1e309', '-0', '1e-400', '9007199254740993', '1E400', '-0.0', '123456789012345678901234567890']))],
    [3, () => rng.pick(NUMERIC_STRINGS)],
    [3, () => rng.pick(ODD_STRINGS)],
    [1, () => new RawJson(rng.pick(['"\\ud800"', '"\\udfff\\ud800"', '"\\u0000"', '"\\u202e"']))],
    [1, () => 'x'.repeat(rng.pick([101, 1000, 50_000, 100_000]))],
    [2, () => rng.pick([true, false, null])],
    [2, () => rng.pick<Hostile>([[], {}, [null], [1, 2, 3], { period: 14 }, ['BTC/USDT']])],
    [1, () => Array.from({ length: 10_000 }, (_, i) => rng.pick<Hostile>([i, null, {}, 'a']))],
    [1, () => nested(rng.pick([64, 1000]), rng.pick(['object', 'array'] as const))],
    [1, () => new RawJson(rng.pick(['{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '{"prototype":1}']))],
    [1, () => rng.pick<Hostile>([{ toString: 1 }, { valueOf: 'x' }, { hasOwnProperty: 1 }, { length: 5 }, { indicator: 'constructor' }])],
  ])();
}
