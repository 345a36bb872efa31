import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATE_BOT_EXAMPLES } from '../../src/bots/dto/bot-examples.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** The body of `POST /bots` as the seed issue documents it. */
const RSI_DIP = {
  name: 'rsi dip',
  type: 'dca',
  exchange: 'paper',
  symbol: 'BTC/USDT',
  conditions: [{ timeframe: '15m', indicator: 'rsi', params: { period: 14 }, operator: 'lt', value: 30 }],
  dca: { baseOrderSize: 100, orderType: 'market' },
};
type Json = Record<string, unknown>;

const UNKNOWN_ID = '00000000-0000-4000-8000-0000000000ff';
/** A stack frame (`at fn (file:1:2)`, `at file:1:2`) or an error's class name leaking into an answer. */
const INTERNALS = [/\bat \S.*:\d+:\d+/, /\bat .*\((<anonymous>|node:)/, /\w*Error: /];

const bot = (patch: Json = {}): Json => ({ ...RSI_DIP, ...patch });
const withCondition = (patch: Json): Json => bot({ conditions: [{ ...RSI_DIP.conditions[0], ...patch }] });
const without = (field: string): Json => Object.fromEntries(Object.entries(RSI_DIP).filter(([name]) => name !== field));
const withoutParams = (patch: Json): Json => withCondition({ params: undefined, ...patch });

describe('bots HTTP API', () => {
  let database: TestDatabase;
  let app: TestApp;

  /** Every request goes through here, so that every answer is checked for leaked internals. */
  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await app.http(method, path, body);
    const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? '');
    for (const pattern of INTERNALS) expect(text, `${method} ${path} leaks internals`).not.toMatch(pattern);
    return response;
  }

  async function create(body: Json = RSI_DIP): Promise<any> {
    const response = await call('POST', '/bots', body);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body;
  }

  /** Every bot of the account, read page after page as a client would. */
  async function listAll(limit = 1000): Promise<any[]> {
    const bots: any[] = [];
    let cursor: string | null = null;
    do {
      const response = await call('GET', `/bots?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      bots.push(...response.body.items);
      cursor = response.body.nextCursor;
    } while (cursor);
    return bots;
  }

  beforeAll(async () => {
    database = await createTestDatabase('bots_api');
    app = await startTestApp({ DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'simulated' });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  describe('creating', () => {
    it('creates the documented bot running, each condition with its registry id and key', async () => {
      const created = await create();
      expect(created).toMatchObject({
        id: expect.any(String), name: 'rsi dip', type: 'dca', exchange: 'paper', symbol: 'BTC/USDT', status: 'running',
        dca: { baseOrderSize: 100, orderType: 'market' },
      });
      expect(created.conditions).toEqual([expect.objectContaining({
        id: expect.any(String), key: 'paper:BTC/USDT:15m|rsi(period=14) lt 30',
        timeframe: '15m', indicator: 'rsi', params: { period: 14 }, operator: 'lt', value: 30, lastTriggeredAt: null,
      })]);
    });

    it('creates a stopped bot when start is false', async () => {
      expect((await create(bot({ start: false }))).status).toBe('stopped');
    });

    it('accepts an indicator on the right-hand side', async () => {
      const created = await create(withCondition({ operator: 'crosses_below', value: { indicator: 'ema', params: { period: 21 } } }));
      expect(created.conditions[0].value).toEqual({ indicator: 'ema', params: { period: 21 } });
    });

    it.each([
      ['macd', ['line', 'signal', 'histogram']],
      ['bollinger', ['upper', 'middle', 'lower', 'percentB']],
    ])('accepts each output of %s', async (indicator, outputs) => {
      for (const output of outputs) {
        const created = await create(withoutParams({ indicator, output, operator: 'gt', value: 0 }));
        expect(created.conditions[0]).toMatchObject({ indicator, output });
      }
    });

    it('accepts a multi-output indicator on the right-hand side', async () => {
      const value = { indicator: 'bollinger', params: { period: 20, stdDev: 2 }, output: 'lower' };
      const created = await create(withoutParams({ indicator: 'price', operator: 'crosses_below', value }));
      expect(created.conditions[0].value).toEqual(value);
    });
  });

  describe('managing', () => {
    it('lists, reads, stops and starts a bot', async () => {
      const created = await create(bot({ name: 'managed' }));
      expect(await listAll()).toContainEqual(created);
      expect(await call('GET', `/bots/${created.id}`)).toEqual({ status: 200, body: created });

      const stopped = await call('POST', `/bots/${created.id}/stop`);
      expect(stopped).toMatchObject({ status: 200, body: { id: created.id, status: 'stopped' } });
      expect((await call('GET', `/bots/${created.id}`)).body.status).toBe('stopped');
      const started = await call('POST', `/bots/${created.id}/start`);
      expect(started).toMatchObject({ status: 200, body: { id: created.id, status: 'running' } });
    });

    it('lists the bots a page at a time, in id order, each once', async () => {
      for (let i = 0; i < 3; i++) await create(bot({ name: `paged ${i}` }));
      const first = await call('GET', '/bots?limit=2');
      expect(first.status).toBe(200);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.nextCursor).toBe(first.body.items[1].id);

      const all = await listAll();
      const ids = all.map((b: any) => b.id);
      expect(await listAll(2)).toEqual(all);
      expect(ids).toEqual([...ids].sort());
      expect(new Set(ids).size).toBe(ids.length);
      expect(all.map((b: any) => b.name)).toEqual(expect.arrayContaining(['paged 0', 'paged 1', 'paged 2']));
      expect(all.every((b: any) => b.conditions.length > 0)).toBe(true);
    });

    it('answers POST /bots with exactly what GET /bots/:id reads back, for every documented example', async () => {
      // Conditions registered before by other bots, as written differently (no params: the defaults).
      await create(withoutParams({ indicator: 'rsi', operator: 'lt', value: 30 }));
      for (const [name, example] of Object.entries(CREATE_BOT_EXAMPLES)) {
        const created = await create((example as { value: Json }).value);
        expect(await call('GET', `/bots/${created.id}`), name).toEqual({ status: 200, body: created });
      }
    });

    it('refuses a page size over 1000 and a cursor that is no bot id', async () => {
      expect((await call('GET', '/bots?limit=1001')).status).toBe(400);
      expect((await call('GET', '/bots?cursor=latest')).status).toBe(400);
    });

    it('answers an empty page of orders for a new bot', async () => {
      const created = await create();
      expect(await call('GET', `/bots/${created.id}/orders`)).toEqual({ status: 200, body: { items: [], nextCursor: null } });
    });

    it('deletes a bot: gone from the API, its condition left without it', async () => {
      const created = await create(withCondition({ timeframe: '4h', operator: 'gt', value: 80 }));
      const conditionId = created.conditions[0].id;
      expect((await call('GET', `/conditions/${conditionId}`)).body.subscribers).toBe(1);

      expect(await call('DELETE', `/bots/${created.id}`)).toMatchObject({ status: 204 });
      expect((await call('GET', `/bots/${created.id}`)).status).toBe(404);
      expect((await listAll()).map((b: any) => b.id)).not.toContain(created.id);
      expect((await call('GET', `/conditions/${conditionId}`)).body.subscribers).toBe(0);
      expect((await call('DELETE', `/bots/${created.id}`)).status).toBe(404);
    });
  });

  describe('conditions', () => {
    it('shows a condition with its definition, subscribers and no evaluation yet', async () => {
      const created = await create(withCondition({ timeframe: '1h', operator: 'lt', value: 25 }));
      const { id, key } = created.conditions[0];
      expect(await call('GET', `/conditions/${id}`)).toMatchObject({
        status: 200,
        body: {
          id, key, subscribers: 1, lastEvaluation: null,
          definition: { exchange: 'paper', symbol: 'BTC/USDT', timeframe: '1h', lhs: { indicator: 'rsi', params: { period: 14 } }, operator: 'lt', rhs: 25 },
        },
      });
    });

    it('pages through conditions with limit and nextCursor', async () => {
      const all = (await call('GET', '/conditions?limit=1000')).body;
      expect(all.items.length).toBeGreaterThan(2);
      expect(all.nextCursor).toBeNull();

      const first = (await call('GET', '/conditions?limit=1')).body;
      expect(first.items).toEqual([all.items[0]]);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = (await call('GET', `/conditions?limit=1&cursor=${encodeURIComponent(first.nextCursor)}`)).body;
      expect(second.items).toEqual([all.items[1]]);
    });
  });

  describe('refusing bad input with 400 naming the field', () => {
    it.each<{ name: string; body: unknown; field: string }>([
      { name: 'missing name', body: without('name'), field: 'name' },
      { name: 'unknown type', body: bot({ type: 'martingale' }), field: 'type' },
      { name: 'live exchange without an exchange account', body: bot({ exchange: 'binance' }), field: 'exchangeAccountId' },
      { name: 'exchange id with odd characters', body: bot({ exchange: 'Bin ance!' }), field: 'exchange' },
      { name: 'symbol without a slash', body: bot({ symbol: 'BTCUSDT' }), field: 'symbol' },
      { name: 'symbol with SQL', body: bot({ symbol: 'BTC/USDT;drop' }), field: 'symbol' },
      { name: 'no conditions', body: bot({ conditions: [] }), field: 'conditions' },
      { name: 'a condition that is not an object', body: bot({ conditions: [null] }), field: 'conditions.0' },
      { name: 'unknown indicator', body: withCondition({ indicator: 'vwap' }), field: 'conditions.0.indicator' },
      { name: 'unknown operator', body: withCondition({ operator: 'eq' }), field: 'conditions.0.operator' },
      { name: 'unknown timeframe', body: withCondition({ timeframe: '7m' }), field: 'conditions.0.timeframe' },
      { name: 'rsi period 0', body: withCondition({ params: { period: 0 } }), field: 'conditions.0.params.period' },
      { name: 'rsi period 1.5', body: withCondition({ params: { period: 1.5 } }), field: 'conditions.0.params.period' },
      { name: 'rsi period 5000', body: withCondition({ params: { period: 5000 } }), field: 'conditions.0.params.period' },
      { name: 'rsi period as a string', body: withCondition({ params: { period: '14' } }), field: 'conditions.0.params' },
      { name: 'macd without output', body: withoutParams({ indicator: 'macd' }), field: 'conditions.0.output' },
      { name: 'macd with an unknown output', body: withoutParams({ indicator: 'macd', output: 'upper' }), field: 'conditions.0.output' },
      { name: 'macd fast not below slow', body: withCondition({ indicator: 'macd', output: 'line', params: { fast: 30, slow: 26 } }), field: 'conditions.0.params.fast' },
      { name: 'rsi with an output', body: withCondition({ output: 'line' }), field: 'conditions.0.output' },
      { name: 'unknown param name', body: withCondition({ params: { period: 14, foo: 1 } }), field: 'conditions.0.params.foo' },
      { name: 'param named like an Object member', body: withCondition({ params: { period: 14, constructor: 1 } }), field: 'body' },
      { name: 'unknown condition field', body: withCondition({ window: 3 }), field: 'conditions.0.window' },
      { name: 'value as a string', body: withCondition({ value: '30' }), field: 'conditions.0.value' },
      { name: 'value "NaN"', body: withCondition({ value: 'NaN' }), field: 'conditions.0.value' },
      { name: 'value overflowing to Infinity', body: JSON.stringify(withCondition({ value: 0 })).replace('"value":0', '"value":1e999'), field: 'conditions.0.value' },
      { name: 'value object without indicator', body: withCondition({ value: { params: { period: 21 } } }), field: 'conditions.0.value' },
      { name: 'value indicator with unknown field', body: withCondition({ value: { indicator: 'ema', period: 21 } }), field: 'conditions.0.value.period' },
      { name: 'value indicator unknown', body: withCondition({ value: { indicator: 'vwap' } }), field: 'conditions.0.value' },
      { name: 'value indicator named like an Object member', body: withCondition({ value: { indicator: 'constructor' } }), field: 'conditions.0.value' },
      { name: 'value param named like an Object member', body: withCondition({ value: { indicator: 'ema', params: { period: 21, constructor: 1 } } }), field: 'body' },
      { name: 'value indicator param out of range', body: withCondition({ value: { indicator: 'ema', params: { period: 0 } } }), field: 'conditions.0.value.params.period' },
      { name: 'negative baseOrderSize', body: bot({ dca: { baseOrderSize: -100 } }), field: 'dca.baseOrderSize' },
      { name: 'zero baseOrderSize', body: bot({ dca: { baseOrderSize: 0 } }), field: 'dca.baseOrderSize' },
      { name: 'unknown dca field', body: bot({ dca: { baseOrderSize: 100, leverage: 10 } }), field: 'dca.leverage' },
      { name: 'missing dca for a dca bot', body: without('dca'), field: 'dca' },
      { name: 'unknown top-level field', body: bot({ owner: 'someone' }), field: 'owner' },
      { name: 'start that is not a boolean', body: bot({ start: 'no' }), field: 'start' },
    ])('$name', async ({ body, field }) => {
      const response = await call('POST', '/bots', body);
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      expect(response.body.fields.map((f: { field: string }) => f.field)).toContain(field);
    });

    it.each([
      ['malformed JSON', '{"name": "rsi dip",'],
      ['a JSON array', '[]'],
      ['a JSON array of bots', JSON.stringify([RSI_DIP])],
    ])('refuses %s with 400', async (_, body) => {
      const response = await call('POST', '/bots', body);
      expect(response.status, JSON.stringify(response.body)).toBe(400);
    });

    it('refuses a body over the size limit without a 500', async () => {
      const response = await call('POST', '/bots', bot({ name: 'x'.repeat(200_000) }));
      expect([400, 413]).toContain(response.status);
    });
  });

  describe('path and query parameters', () => {
    let botId: string;
    beforeAll(async () => {
      botId = (await create()).id;
    });

    it.each([
      ['GET', '/bots/not-a-uuid'],
      ['POST', '/bots/123/stop'],
      ['POST', '/bots/123/start'],
      ['DELETE', '/bots/123'],
      ['GET', '/bots/123/orders'],
      ['GET', '/conditions/not-a-uuid'],
    ])('%s %s → 400 naming id', async (method, path) => {
      const response = await call(method, path);
      expect(response.status).toBe(400);
      expect(response.body.fields).toEqual([{ field: 'id', message: expect.any(String) }]);
    });

    it.each([
      ['GET', `/bots/${UNKNOWN_ID}`],
      ['POST', `/bots/${UNKNOWN_ID}/stop`],
      ['POST', `/bots/${UNKNOWN_ID}/start`],
      ['DELETE', `/bots/${UNKNOWN_ID}`],
      ['GET', `/bots/${UNKNOWN_ID}/orders`],
      ['GET', `/conditions/${UNKNOWN_ID}`],
    ])('%s %s → 404', async (method, path) => {
      expect((await call(method, path)).status).toBe(404);
    });

    it.each([
      ['/triggers?botId=not-a-uuid', 'botId'],
      ['/triggers?conditionId=42', 'conditionId'],
      ['/conditions?limit=0', 'limit'],
      ['/conditions?limit=abc', 'limit'],
      ['/conditions?cursor=not-a-uuid', 'cursor'],
      ['/triggers?cursor=not-a-number', 'cursor'],
      ['/bots/:id/orders?cursor=not-a-uuid', 'cursor'],
    ])('GET %s → 400 naming %s', async (path, field) => {
      const response = await call('GET', path.replace(':id', botId));
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      expect(response.body.fields.map((f: { field: string }) => f.field)).toContain(field);
    });
  });
});
