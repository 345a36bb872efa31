import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'pg';
import { ManualClock } from '../../src/clock/index.js';
import { EvaluationService } from '../../src/evaluator/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { PrivateRedis } from '../support/private-redis.js';
import { BINANCE_1M } from '../support/reference-market.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';
import { settle } from '../flow/seed-scenario.js';

const ORIGIN = Date.UTC(2023, 2, 1);
const HOUR = 3_600_000;

describe('Redis down for a while', () => {
  let database: TestDatabase;
  let db: Client;
  let redis: PrivateRedis;
  let app: TestApp;
  const clock = new ManualClock(ORIGIN);

  beforeAll(async () => {
    database = await createTestDatabase('redis_outage');
    redis = await PrivateRedis.start();
    app = await startTestApp({
      DATABASE_URL: database.url, REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'outage', BUS_CLAIM_IDLE_MS: '500', RELAY_INTERVAL_MS: '100',
      MARKET_DATA_SOURCE: 'csv', MARKET_DATA_CSV: `BTC/USDT@1m=${BINANCE_1M}`, PAPER_SLIPPAGE: '0',
    }, clock);
    db = await connect(database.url);
  });

  afterAll(async () => {
    await app?.close();
    await redis?.down();
    await db?.end();
    await database?.drop();
  });

  const triggers = async () => (await db.query(`SELECT id, seq, published_at, handled_at FROM triggers ORDER BY seq`)).rows;

  it('keeps evaluating, keeps triggers in Postgres, and publishes them in order when Redis is back', async () => {
    const body = { type: 'dca', exchange: 'paper', symbol: 'BTC/USDT', dca: { baseOrderSize: 20, maxActiveDeals: 100 } };
    await app.http('POST', '/bots', { ...body, name: 'cross', conditions: [{ timeframe: '15m', indicator: 'price', operator: 'crosses_above', value: { indicator: 'sma', params: { period: 20 } } }] });
    for (let hour = 1; hour <= 24; hour++) {
      clock.set(ORIGIN + hour * HOUR);
      await app.get(EvaluationService).tick();
    }
    await settle(app, db);
    const before = (await triggers()).length;
    expect(before).toBeGreaterThan(0);

    await redis.down();
    for (let hour = 25; hour <= 72; hour++) {
      clock.set(ORIGIN + hour * HOUR);
      await app.get(EvaluationService).tick();
    }
    const during = await triggers();
    const waiting = during.filter((t) => t.published_at === null);
    expect(during.length).toBeGreaterThan(before);
    expect(waiting.length).toBe(during.length - before);
    const health = await app.http('GET', '/health');
    expect(health.status).toBe(503);
    expect(health.body.error.eventBus.status).toBe('down');
    expect(health.body.info.database.status).toBe('up');

    await redis.up();
    await waitFor(async () => (await triggers()).every((t) => t.handled_at !== null), 30_000, 'every trigger handled after Redis returned');
    const after = (await triggers()).filter((t) => waiting.some((w) => w.id === t.id));
    const publishedInOrder = after.every((t, i) => i === 0 || t.published_at.getTime() >= after[i - 1].published_at.getTime());
    expect(publishedInOrder).toBe(true);
    const delivered = (await db.query(`SELECT count(DISTINCT trigger_id)::int AS n FROM deliveries`)).rows[0].n;
    expect(delivered).toBe(during.length);
    await waitFor(async () => (await app.http('GET', '/health')).status === 200, 10_000, 'healthy again');
  }, 120_000);

  it('publishes again a trigger the bus lost (published, never handled), and it takes effect once', async () => {
    const [handled] = (await db.query(`SELECT id FROM triggers WHERE handled_at IS NOT NULL ORDER BY seq LIMIT 1`)).rows;
    const deliveries = async () => (await db.query(`SELECT count(*)::int AS n FROM deliveries WHERE trigger_id = $1`, [handled.id])).rows[0].n;
    const before = await deliveries();
    // As if Redis had restarted without persistence after the publication and before the notifier handled it.
    await db.query(`UPDATE triggers SET handled_at = NULL, published_at = now() - interval '1 hour' WHERE id = $1`, [handled.id]);
    await waitFor(async () => (await db.query(`SELECT handled_at FROM triggers WHERE id = $1`, [handled.id])).rows[0].handled_at !== null, 20_000, 'handled again');
    expect(await deliveries()).toBe(before);
  }, 60_000);
});
