import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'pg';
import { ManualClock } from '../../src/clock/index.js';
import { EvaluationService } from '../../src/evaluator/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { deleteKeysUnder, REDIS_URL, uniqueKeyPrefix } from '../support/redis.js';
import type { TestApp } from '../support/test-app.js';
import { appEnv, assertSeedFlow, createBots, END, ORIGIN, replay, startTestApp } from './seed-scenario.js';

describe('the seed flow end to end on real Postgres and Redis', () => {
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;
  const prefix = uniqueKeyPrefix('seed');
  const clock = new ManualClock(ORIGIN);

  beforeAll(async () => {
    database = await createTestDatabase('seed_flow');
    app = await startTestApp(appEnv(database.url, REDIS_URL, prefix), clock);
    db = await connect(database.url);
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
    await deleteKeysUnder(prefix);
  });

  it('replays three weeks of candles: shared evaluation, edge triggers, one base order per bot, the rest skipped', async () => {
    const bots = await createBots(app);
    await replay(app, clock, END, 6 * 3_600_000);
    await assertSeedFlow(app, db, bots);
    const logged = (await db.query(`SELECT count(*)::int AS n FROM condition_evaluations`)).rows[0].n;
    expect(app.get(EvaluationService).evaluationCount).toBe(logged);
  });
});
