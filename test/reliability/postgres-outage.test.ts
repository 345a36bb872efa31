import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'pg';
import { ManualClock } from '../../src/clock/index.js';
import { EventBus } from '../../src/event-bus/index.js';
import { EvaluationService } from '../../src/evaluator/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { deleteKeysUnder, REDIS_URL, uniqueKeyPrefix } from '../support/redis.js';
import { BINANCE_1M } from '../support/reference-market.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

const ORIGIN = Date.UTC(2023, 2, 1);
const HOUR = 3_600_000;

describe('Postgres unreachable for a while', () => {
  let database: TestDatabase;
  let db: Client;
  let proxy: TcpProxy;
  let app: TestApp;
  const prefix = uniqueKeyPrefix('pg_outage');
  const clock = new ManualClock(ORIGIN);

  beforeAll(async () => {
    database = await createTestDatabase('pg_outage');
    proxy = await TcpProxy.start(5432);
    const url = new URL(database.url);
    url.port = String(proxy.port);
    app = await startTestApp({
      DATABASE_URL: url.toString(), REDIS_URL, REDIS_KEY_PREFIX: prefix, BUS_CLAIM_IDLE_MS: '500', RELAY_INTERVAL_MS: '100',
      MARKET_DATA_SOURCE: 'csv', MARKET_DATA_CSV: `BTC/USDT@1m=${BINANCE_1M}`, PAPER_SLIPPAGE: '0',
    }, clock);
    db = await connect(database.url);
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await db?.end();
    await database?.drop();
    await deleteKeysUnder(prefix);
  });

  it('stays up, reports the database down, acknowledges nothing it could not commit, and resumes by itself', async () => {
    const created = await app.http('POST', '/bots', {
      name: 'dip', type: 'dca', exchange: 'paper', symbol: 'BTC/USDT', dca: { baseOrderSize: 20 },
      conditions: [{ timeframe: '15m', indicator: 'rsi', operator: 'lt', value: 30 }],
    });
    expect(created.status).toBe(201);
    clock.set(ORIGIN + 12 * HOUR);
    await app.get(EvaluationService).tick();

    // A trigger recorded while the database is up, delivered only while it is down.
    const conditionId = created.body.conditions[0].id;
    const triggerId = randomUUID();
    await db.query(`INSERT INTO triggers (id, condition_id, candle_open_time, candle_close_time, "values", published_at) VALUES ($1, $2, $3, $4, '{"close": 23000}', now())`, [
      triggerId, conditionId, new Date(ORIGIN + 11 * HOUR), new Date(ORIGIN + 11 * HOUR + 900_000),
    ]);

    proxy.cutOff();
    const health = await app.http('GET', '/health');
    expect(health.status).toBe(503);
    expect(health.body.error.database.status).toBe('down');
    clock.set(ORIGIN + 24 * HOUR);
    await expect(app.get(EvaluationService).tick()).rejects.toThrow();
    await app.get(EventBus).publish('trigger.fired', [{ triggerId, conditionId, conditionKey: 'k', candleOpenTime: ORIGIN + 11 * HOUR, candleCloseTime: ORIGIN + 11 * HOUR + 900_000, values: { close: 23000 } }]);
    await waitFor(async () => (await app.get(EventBus).stats('trigger.fired', 'notifier')).pending > 0, 10_000, 'the message stays pending, unacknowledged');
    expect((await db.query(`SELECT count(*)::int AS n FROM deliveries WHERE trigger_id = $1`, [triggerId])).rows[0].n).toBe(0);
    expect((await app.http('GET', '/conditions')).status).toBeGreaterThanOrEqual(500);

    proxy.restore();
    await waitFor(async () => (await app.http('GET', '/health')).status === 200, 20_000, 'healthy again');
    await waitFor(async () => (await db.query(`SELECT count(*)::int AS n FROM deliveries WHERE trigger_id = $1`, [triggerId])).rows[0].n === 1, 20_000, 'the pending message handled once the database is back');
    const report = await app.get(EvaluationService).tick();
    expect(report.evaluations).toBeGreaterThan(0);
  }, 120_000);
});
