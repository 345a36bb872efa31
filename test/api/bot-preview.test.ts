import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { MarketDataSource } from '../../src/market-data/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const T0 = Date.UTC(2024, 0, 1, 12);
type Json = Record<string, unknown>;

/** The example: base 10, safety 20, deviation 1 %, step scale 2, volume scale 2, four safety orders, TP 1.5 %. */
const EXAMPLE_DCA = {
  baseOrderSize: 10, safetyOrderSize: 20, maxSafetyOrders: 4, priceDeviation: 1, safetyOrderStepScale: 2, safetyOrderVolumeScale: 2, takeProfit: 1.5,
};
/** A market the paper exchange knows no rules for: steps of 1e-8 and a minimum cost of 1, so rounding barely shows. */
const FINE = 'FINE/USDT';
const body = (patch: Json = {}, dca: Json = EXAMPLE_DCA): Json => ({
  name: 'preview', type: 'dca', exchange: 'paper', symbol: FINE,
  conditions: [{ timeframe: '15m', indicator: 'rsi', params: { period: 14 }, operator: 'lt', value: 30 }],
  dca, ...patch,
});

describe('POST /bots/preview', () => {
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase('bot_preview');
    app = await startTestApp({ DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'simulated', PAPER_BALANCES: 'USDT=1000' }, new ManualClock(T0));
    db = await connect(database.url);
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
  });

  const count = async (table: string) => (await db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;

  it('answers the issue\'s example ladder from the given price', async () => {
    const response = await app.http('POST', '/bots/preview', body({ price: 100 }));
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const plan = response.body;
    expect(plan.price).toBe(100);
    expect(plan.balance).toBe(1000);
    expect(plan.levels.map((l: any) => l.index)).toEqual([0, 1, 2, 3, 4]);
    expect(plan.levels.map((l: any) => l.price)).toEqual([100, 99, 97, 93, 85]);
    expect(plan.levels.map((l: any) => l.deviation)).toEqual([0, 1, 3, 7, 15]);
    // Amounts are rounded down to the 1e-8 step, so sizes fall short of 10, 20, 40, 80, 160 by at most a step's worth.
    const planned = [10, 20, 40, 80, 160];
    plan.levels.forEach((level: any, i: number) => {
      expect(level.size).toBeLessThanOrEqual(planned[i]);
      expect(planned[i] - level.size).toBeLessThan(level.price * 1e-8 + 1e-12);
      expect(level.amount).toBeCloseTo(planned[i] / level.price, 7);
    });
    expect(plan.levels.map((l: any) => l.cumulativeSize)).toEqual(plan.levels.map((_: any, i: number) => expect.closeTo(planned.slice(0, i + 1).reduce((a, b) => a + b), 5)));
    expect(plan.totalCapital).toBeCloseTo(310, 5);
    expect(plan.coveredDeviation).toBe(15);
    const last = plan.levels[4];
    expect(last.averageEntry).toBeCloseTo(89.674, 3);
    expect(last.takeProfitPrice).toBeCloseTo(91.019, 3);
    expect(plan.levels[0]).toMatchObject({ averageEntry: 100, takeProfitPrice: 101.5 });
    expect(plan.problems).toEqual([]);
  });

  it('plans from the last price when no price is given', async () => {
    const last = await app.get(MarketDataSource).lastPrice('paper', FINE, T0);
    const response = await app.http('POST', '/bots/preview', body());
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.price).toBe(last);
    expect(response.body.levels[0].price).toBeCloseTo(last!, 6);
  });

  it('flags the levels below the exchange\'s minimums (BTC/USDT: 5 USDT)', async () => {
    const dca = { baseOrderSize: 10, safetyOrderSize: 1, maxSafetyOrders: 2, priceDeviation: 1 };
    const response = await app.http('POST', '/bots/preview', body({ symbol: 'BTC/USDT', price: 30_000 }, dca));
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.levels.map((l: any) => l.price)).toEqual([30_000, 29_700, 29_400]);
    // 1 USDT at 29,700 is 0.0000336 BTC, rounded down to the 0.00001 step: 0.00003 BTC, worth 0.891 USDT.
    expect(response.body.levels[1]).toMatchObject({ amount: 0.00003, size: 0.891 });
    expect(response.body.problems).toEqual([
      { level: 1, problem: 'below_min_cost', message: expect.stringContaining('below the minimum of 5 USDT') },
      { level: 2, problem: 'below_min_cost', message: expect.stringContaining('below the minimum of 5 USDT') },
    ]);
  });

  it('flags the levels the free quote balance cannot pay for, on the named account', async () => {
    const account = await app.http('POST', '/exchange-accounts', { exchange: 'paper', label: 'small', balances: { USDT: 50 } });
    expect(account.status, JSON.stringify(account.body)).toBe(201);
    const response = await app.http('POST', '/bots/preview', body({ price: 100, exchangeAccountId: account.body.id }));
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.balance).toBe(50);
    // 10 + 20 = 30 fits in 50; adding 40 (70) does not, nor anything after.
    expect(response.body.problems).toEqual([2, 3, 4].map((level) => ({ level, problem: 'exceeds_balance', message: expect.stringContaining('balance of 50') })));
    const onDefault = await app.http('POST', '/bots/preview', body({ price: 100, dca: { ...EXAMPLE_DCA, baseOrderSize: 600, safetyOrderSize: 500 } }));
    expect(onDefault.body.problems.map((p: any) => [p.level, p.problem])).toEqual([1, 2, 3, 4].map((level) => [level, 'exceeds_balance']));
  });

  it('writes nothing', async () => {
    const before = await Promise.all(['bots', 'conditions', 'subscriptions', 'deals', 'orders'].map(count));
    for (const price of [100, 30_000]) expect((await app.http('POST', '/bots/preview', body({ price }))).status).toBe(200);
    expect(await Promise.all(['bots', 'conditions', 'subscriptions', 'deals', 'orders'].map(count))).toEqual(before);
    expect(before[0]).toBe(0);
  });

  it('validates like POST /bots, plus a positive finite price', async () => {
    for (const price of [0, -1, '100', 'NaN']) {
      const response = await app.http('POST', '/bots/preview', body({ price }));
      expect(response.status, `price ${price}`).toBe(400);
      expect(response.body.fields.map((f: any) => f.field)).toContain('price');
    }
    // 1e400 parses to Infinity.
    const infinite = await app.http('POST', '/bots/preview', JSON.stringify(body({ price: 1 })).replace('"price":1', '"price":1e400'));
    expect(infinite.status).toBe(400);
    expect(infinite.body.fields.map((f: any) => f.field)).toContain('price');
    const missing = await app.http('POST', '/bots/preview', body({ price: 100 }, { safetyOrderSize: 20 }));
    expect(missing.status).toBe(400);
    expect(missing.body.fields.map((f: any) => f.field)).toContain('dca.baseOrderSize');
    const unknownField = await app.http('POST', '/bots/preview', body({ price: 100, extra: 1 }));
    expect(unknownField.status).toBe(400);
    const live = await app.http('POST', '/bots/preview', body({ exchange: 'binance', price: 100 }));
    expect(live.status).toBe(400);
    expect(live.body.fields).toEqual([{ field: 'exchangeAccountId', message: expect.stringContaining('is required') }]);
    // POST /bots does not take a price.
    expect((await app.http('POST', '/bots', body({ price: 100 }))).status).toBe(400);
  });

  it('refuses to create a bot whose ladder breaks the exchange\'s minimums, naming each level, and creates nothing', async () => {
    const dca = { baseOrderSize: 10, safetyOrderSize: 1, maxSafetyOrders: 2, priceDeviation: 1 };
    const bots = await count('bots');
    const refused = await app.http('POST', '/bots', body({ symbol: 'BTC/USDT' }, dca));
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'LADDER_INVALID', message: expect.stringContaining('below the minimum of 5 USDT') });
    expect(refused.body.fields).toEqual([1, 2].map((level) => ({ field: 'dca.safetyOrderSize', message: expect.stringMatching(new RegExp(`^level ${level}: cost .* below the minimum of 5 USDT`)) })));
    const tinyBase = await app.http('POST', '/bots', body({ symbol: 'BTC/USDT' }, { baseOrderSize: 2 }));
    expect(tinyBase.status).toBe(400);
    expect(tinyBase.body.fields).toEqual([{ field: 'dca.baseOrderSize', message: expect.stringContaining('level 0') }]);
    expect(await count('bots')).toBe(bots);
  });

  it('creates a bot whose ladder exceeds the balance: it may be funded later', async () => {
    const created = await app.http('POST', '/bots', body({ symbol: 'BTC/USDT' }, { baseOrderSize: 600, safetyOrderSize: 600, maxSafetyOrders: 3 }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  });
});
