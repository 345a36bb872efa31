import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { RawHttpClient } from '../support/fuzz-client.js';
import { RSI_DIP } from '../support/fuzz-fixtures.js';
import { nested } from '../support/fuzz-json.js';
import { problemsOf } from '../support/fuzz-verdict.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ADMIN_TOKEN = `admin${randomBytes(16).toString('hex')}`;
const DEFAULT_ACCOUNT_ID = '00000000-0000-4000-8000-000000000001';
const CONDITION = RSI_DIP.conditions[0];
const BOT = randomUUID();
const bot = (patch: object) => JSON.stringify({ ...RSI_DIP, ...patch });
const live = (patch: object) => JSON.stringify({ exchange: 'binance', label: 'live', apiKey: 'key', secret: 'secret', ...patch });

/** What the fuzzer found answered with a 5xx, slipped past validation or named no field: each must be a 400 naming the field. */
const CASES: { name: string; method?: string; path: string; body?: string; field: string }[] = [
  { name: 'a condition that is an array', path: '/bots', body: bot({ conditions: [[CONDITION]] }), field: 'conditions' },
  { name: 'a condition that is an empty array', path: '/bots', body: bot({ conditions: [[]] }), field: 'conditions' },
  { name: 'an exit condition that is an array', path: '/bots', body: bot({ type: 'trend', dca: undefined, trend: { exitConditions: [[CONDITION]], positionSize: 100 } }), field: 'trend.exitConditions' },
  { name: 'a take-profit step that is an array', path: '/bots', body: bot({ dca: { baseOrderSize: 100, takeProfitSteps: [[{ profit: 1, closePercent: 50 }]] } }), field: 'dca.takeProfitSteps' },
  { name: 'conditions nested 2,000 arrays deep', path: '/bots', body: `{"conditions":[${nested(2000, 'array').text}]}`, field: 'conditions' },
  { name: 'an unknown field nested 1,000 objects deep', path: '/bots', body: `{"deep":${nested(1000, 'object').text}}`, field: 'deep' },
  { name: 'a body nested 20,000 arrays deep', path: '/bots', body: nested(20_000, 'array').text, field: 'body' },
  { name: 'a field with an empty name', path: '/bots', body: bot({ '': 1 }), field: '""' },
  { name: 'a field named toString', path: '/bots', body: bot({ toString: 1 }), field: 'toString' },
  { name: 'a param named valueOf', path: '/bots', body: bot({ conditions: [{ ...CONDITION, params: { period: 14, valueOf: 1 } }] }), field: 'conditions.0.params.valueOf' },
  { name: 'a query parameter named hasOwnProperty', method: 'GET', path: '/conditions?hasOwnProperty=1', field: 'hasOwnProperty' },
  { name: 'a NUL in a bot name', path: '/bots', body: bot({ name: 'a\u0000b' }), field: 'name' },
  { name: 'a NUL in an exchange account label', path: '/exchange-accounts', body: JSON.stringify({ exchange: 'paper', label: 'a\u0000b' }), field: 'label' },
  { name: 'an API key no HTTP header can carry', path: '/exchange-accounts', body: live({ apiKey: 'zero\u200bwidth' }), field: 'apiKey' },
  { name: 'null over a DCA default', path: '/bots', body: bot({ dca: { baseOrderSize: 100, cooldown: null } }), field: 'dca.cooldown' },
  { name: 'null over a grid default', path: '/bots', body: bot({ type: 'grid', dca: undefined, conditions: undefined, grid: { lowerPrice: 1, upperPrice: 2, gridLines: 2, investment: 10, spacing: null } }), field: 'grid.spacing' },
  { name: 'a maxLag beyond the integer column', path: `/bots/${BOT}/signal-secret`, body: '{"maxLag":1e308}', field: 'maxLag' },
  { name: 'a signal time no Date can hold', path: `/signals/${BOT}`, body: '{"action":"buy","time":1e20}', field: 'time' },
  { name: 'a signal time that is no date', path: `/signals/${BOT}`, body: '{"action":"buy","time":"2024-13-45T99:99:99Z"}', field: 'time' },
  { name: 'a signal time that is an object', path: `/signals/${BOT}`, body: '{"action":"buy","time":{}}', field: 'time' },
  { name: 'a null token label', path: `/accounts/${DEFAULT_ACCOUNT_ID}/tokens`, body: '{"label":null}', field: 'label' },
  { name: 'a path that does not decode', method: 'GET', path: '/bots/%FF', field: 'path' },
];

describe('hostile input the fuzzer found, refused with a 400 naming the field', () => {
  let database: TestDatabase;
  let app: TestApp;
  let client: RawHttpClient;

  beforeAll(async () => {
    database = await createTestDatabase('security_hostile_input');
    app = await startTestApp({ DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'simulated', LOG_LEVEL: 'fatal', ADMIN_TOKEN });
    client = new RawHttpClient(app.baseUrl, 1);
  });

  afterAll(async () => {
    client?.close();
    await app?.close();
    await database?.drop();
  });

  it.each(CASES)('$name', async ({ method = 'POST', path, body, field }) => {
    const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body !== undefined && { 'content-type': 'application/json' }) };
    const response = await client.send({ method, path, headers, body });
    expect(response.status, response.text.slice(0, 500)).toBe(400);
    expect(problemsOf(response, { method })).toEqual([]);
    expect(JSON.parse(response.text).fields.map((f: { field: string }) => f.field)).toContain(field);
  });
});
