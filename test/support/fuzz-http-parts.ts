import { nested } from './fuzz-json.js';
import type { Rng } from './seeded-random.js';

/** Path ids, already encoded as they go on the wire: not UUIDs, near-UUIDs, injection, very long. */
export function hostileId(rng: Rng, real: string): string {
  const uuid = rng.uuid();
  return rng.pick([
    'not-a-uuid', '123', '0', '-1', 'null', 'undefined', 'NaN', '%20', '%FF', '%00', '%E0%A4%A', '..%2F..%2Fetc%2Fpasswd', '%2e%2e', 'a'.repeat(5000),
    encodeURIComponent("1' OR '1'='1"), encodeURIComponent('1; DROP TABLE bots; --'), encodeURIComponent('😀'), encodeURIComponent(`{${uuid}}`),
    `${uuid}0`, uuid.replace(/-/g, ''), `${uuid.slice(0, 35)}g`, `${uuid}%00`, `%E2%80%AE${uuid}`, ` ${uuid}`.replace(' ', '%20'),
    '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', `${uuid.slice(0, 14)}0${uuid.slice(15)}`,
    real.toUpperCase(), `${real.slice(0, 14)}9${real.slice(15)}`, `${uuid}-${uuid}`, encodeURIComponent(`${real},${uuid}`),
  ]);
}

const QUERY_VALUES = [
  '-1', '0', '1001', '1e309', 'NaN', 'Infinity', '-0', '0x10', '1.5', ' 5', '', 'abc', '9999999999999999999', '999999999999999999', '00000001',
  "1' OR 1=1 --", 'open', 'OPEN', 'canceled ', 'true', 'null', '[]', '{}', '__proto__',
];
const QUERY_KEYS = ['limit', 'cursor', 'botId', 'status', 'conditionId', 'foo', 'limit[]', 'limit[0]', 'cursor[a]', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'a.b'];
const RAW_QUERY_VALUES = ['%FF', '%00', '%', '%ZZ', '%E2%80%AE', 'a'.repeat(5000)];

/** A query string of hostile pairs, repeated keys included: `?limit=-1&limit=2&cursor=%FF`. */
export function hostileQuery(rng: Rng, valid: Record<string, string>, uuid: string): string {
  const pairs: [string, string][] = Object.entries(valid).map(([key, value]) => [encodeURIComponent(key), encodeURIComponent(value)]);
  for (let i = rng.int(1, 3); i > 0; i--) {
    const key = encodeURIComponent(rng.chance(0.6) ? rng.pick(['limit', 'cursor', ...Object.keys(valid)]) : rng.pick(QUERY_KEYS));
    const value = rng.weighted<() => string>([
      [6, () => encodeURIComponent(rng.pick(QUERY_VALUES))],
      [2, () => rng.pick(RAW_QUERY_VALUES)],
      [2, () => encodeURIComponent(rng.pick([uuid, uuid.toUpperCase(), `${uuid}x`, uuid.replace(/-/g, '')]))],
    ])();
    const duplicate = rng.chance(0.3);
    const index = pairs.findIndex(([k]) => k === key);
    if (index >= 0 && !duplicate) pairs[index] = [key, value];
    else pairs.push([key, value]);
  }
  if (rng.chance(0.1)) pairs.push([rng.pick(['&', '=', '==', '&&&']), '']);
  return `?${pairs.map(([key, value]) => (value === '' && rng.chance(0.3) ? key : `${key}=${value}`)).join('&')}`;
}

/** Content types and encodings a JSON route may be sent: none, wrong, wrong charset, compressed garbage. */
export function hostileContentHeaders(rng: Rng): Record<string, string> {
  return rng.pick<Record<string, string>>([
    {}, { 'content-type': 'text/plain' }, { 'content-type': 'application/x-www-form-urlencoded' }, { 'content-type': 'multipart/form-data; boundary=zz' },
    { 'content-type': 'application/json; charset=utf-16' }, { 'content-type': 'application/json; charset=bogus' }, { 'content-type': 'application/json; charset=latin1' },
    { 'content-type': 'application/jsonx' }, { 'content-type': 'application/vnd.api+json' }, { 'content-type': 'APPLICATION/JSON' }, { 'content-type': 'application/json;;' },
    { 'content-type': '' }, { 'content-type': 'json' }, { 'content-type': '*/*' }, { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    { 'content-type': 'application/json', 'content-encoding': 'bogus' }, { 'content-type': 'application/json', 'content-encoding': 'deflate' },
    { 'content-type': 'application/json', 'content-encoding': 'identity' }, { 'content-type': 'application/json', 'content-encoding': 'br' },
  ]);
}

/** Text that is not JSON, or JSON that strict parsing refuses, derived from a valid body's text where it can be. */
export function malformedJson(rng: Rng, text: string): string | Buffer {
  return rng.weighted<() => string | Buffer>([
    [4, () => text.slice(0, rng.int(1, Math.max(1, text.length - 1)))],
    [1, () => text + rng.pick([',', '}', ']', 'x', '{}', ' null'])],
    [1, () => text.replace(/"/g, "'")],
    [1, () => text.replace(/"(\w+)":/g, '$1:')],
    [1, () => text.replace(/}$/, ',}')],
    [1, () => `// comment\n${text}`],
    [1, () => `\uFEFF${text}`],
    [2, () => {
      const at = rng.int(0, text.length - 1);
      return text.slice(0, at) + rng.pick(['"', '{', '}', '[', ']', ':', ',', '\\', '\u0001', 'NaN']) + text.slice(at + 1);
    }],
    [4, () => rng.pick([
      '', ' ', 'null', 'true', '0', '"s"', 'NaN', '{', '}', '[', '{"a":1}{"b":2}', '{"a":NaN}', '{"a":Infinity}', '{"a":undefined}', '{"a":1,}',
      "{'a':1}", '{"a":"\\x41"}', '{"a":"\u0001"}', '{"a":01}', '{"a":.5}', '{"a":+1}', '{"a":0x10}', '{"a" 1}', '{"a":1 "b":2}', '\u0000',
    ])],
    [1, () => Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')])],
    [1, () => Buffer.from(text, 'utf16le')],
    [1, () => `${text}${' '.repeat(rng.int(1, 10))}\u0000`],
  ])();
}

/** A whole body that is no object: null, scalars, arrays, nesting, prototype keys, over the size limit. */
export function hostileWholeBody(rng: Rng, text: string): string {
  return rng.pick([
    'null', '[]', '""', '{}', '0', 'true', '-1', `[${text}]`, `[${text},${text}]`, `[${Array(10_000).fill('0').join(',')}]`,
    nested(1000, 'object').text, nested(1000, 'array').text, nested(5000, 'array').text, nested(20_000, 'object').text,
    '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', `{"a":${nested(2000, 'array').text}}`,
    JSON.stringify({ pad: 'x'.repeat(100_001) }), `{"x":"${'\\u0000'.repeat(20_000)}"}`,
  ]);
}

/** Credentials that are missing, malformed, oversized or wrong: a 401 (or a public route's answer), never a 5xx. */
export function hostileAuthHeaders(rng: Rng): Record<string, string> {
  const long = 'A'.repeat(rng.pick([513, 4000]));
  return rng.pick<Record<string, string>>([
    {}, { authorization: '' }, { authorization: 'Bearer' }, { authorization: 'Bearer ' }, { authorization: `Bearer ${long}` }, { authorization: 'Basic YWRtaW46YWRtaW4=' },
    { authorization: 'Bearer tbo_wrong' }, { authorization: 'bearer  tbo_' }, { authorization: "Bearer ' OR 1=1 --" }, { authorization: 'Bearer a b c' },
    { authorization: 'Bearer %00' }, { authorization: 'Token x' }, { authorization: `Bearer ${'x'.repeat(512)}` },
    { 'x-signal-secret': long }, { 'x-forwarded-for': "1.1.1.1, ' OR 1=1" }, { cookie: 'session=%FF' }, { accept: 'text/html' },
  ]);
}
