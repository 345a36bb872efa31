import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'pg';
import { ManualClock } from '../../src/clock/index.js';
import { TriggerRelay } from '../../src/triggers/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { deleteKeysUnder, REDIS_URL, uniqueKeyPrefix } from '../support/redis.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

const T0 = Date.UTC(2024, 0, 1, 12);

describe('a trigger that keeps failing', () => {
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;
  const prefix = uniqueKeyPrefix('dead_letters');

  beforeAll(async () => {
    database = await createTestDatabase('dead_letters');
    app = await startTestApp({
      DATABASE_URL: database.url, REDIS_URL, REDIS_KEY_PREFIX: prefix, BUS_MAX_DELIVERIES: '2', BUS_CLAIM_IDLE_MS: '200', MARKET_DATA_SOURCE: 'simulated',
    }, new ManualClock(T0));
    db = await connect(database.url);
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
    await deleteKeysUnder(prefix);
  });

  it('goes to the dead-letter stream after BUS_MAX_DELIVERIES and is listed at GET /dead-letters with its last error', async () => {
    const bot = (await app.http('POST', '/bots', {
      name: 'broken', type: 'dca', exchange: 'paper', symbol: 'ETH/USDT', dca: { baseOrderSize: 50 },
      conditions: [{ timeframe: '15m', indicator: 'rsi', operator: 'lt', value: 27 }],
    })).body;
    // A bot whose type no executor handles: every delivery of its trigger fails.
    await db.query(`UPDATE bots SET type = 'unknown-type' WHERE id = $1`, [bot.id]);
    const triggerId = randomUUID();
    await db.query(`INSERT INTO triggers (id, condition_id, candle_open_time, candle_close_time, "values") VALUES ($1, $2, $3, $4, '{"close": 100}')`, [
      triggerId, bot.conditions[0].id, new Date(T0), new Date(T0 + 900_000),
    ]);
    await app.get(TriggerRelay).drain();

    await waitFor(async () => (await app.http('GET', '/dead-letters')).body.items.length > 0, 20_000, 'a dead letter');
    const [dead] = (await app.http('GET', '/dead-letters')).body.items;
    expect(dead).toMatchObject({ topic: 'trigger.fired', deliveries: 2, payload: expect.objectContaining({ triggerId }) });
    expect(dead.lastError).toContain(bot.id);
    expect((await app.http('GET', '/dead-letters?topic=nope')).status).toBe(400);
  });
});
