import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'pg';
import { ManualClock } from '../../src/clock/index.js';
import { EvaluationService } from '../../src/evaluator/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { deleteKeysUnder, REDIS_URL, uniqueKeyPrefix } from '../support/redis.js';
import type { TestApp } from '../support/test-app.js';
import { appEnv, assertSeedFlow, createBots, END, ORIGIN, replay, settle, startTestApp } from './seed-scenario.js';

const DAY = 86_400_000;

describe('the seed flow across restarts of the app', () => {
  let database: TestDatabase;
  let db: Client;
  let app: TestApp | undefined;
  const prefix = uniqueKeyPrefix('seed_restart');

  beforeAll(async () => {
    database = await createTestDatabase('seed_restart');
    db = await connect(database.url);
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
    await deleteKeysUnder(prefix);
  });

  it('loses no trigger and doubles none when the app stops in the middle of the replay, twice', async () => {
    const env = appEnv(database.url, REDIS_URL, prefix);
    let clock = new ManualClock(ORIGIN);
    app = await startTestApp(env, clock);
    const bots = await createBots(app);

    for (const stopAt of [ORIGIN + 7 * DAY, ORIGIN + 13 * DAY]) {
      await replay(app, clock, stopAt, 6 * 3_600_000);
      // A long tick whose triggers are recorded but not yet relayed or handled when the app goes down.
      clock.set(stopAt + 2 * DAY);
      const pending = await app.get(EvaluationService).tick();
      await app.close();
      app = undefined;
      const unhandled = (await db.query(`SELECT count(*)::int AS n FROM triggers WHERE handled_at IS NULL`)).rows[0].n;
      expect(unhandled).toBeLessThanOrEqual(pending.triggers);

      clock = new ManualClock(stopAt + 2 * DAY);
      app = await startTestApp(env, clock);
      await settle(app, db);
    }
    await replay(app, clock, END, 6 * 3_600_000);
    await assertSeedFlow(app, db, bots);
    const duplicates = (await db.query(`SELECT count(*)::int AS n FROM (SELECT bot_id FROM orders GROUP BY bot_id HAVING count(*) > 1) d`)).rows[0].n;
    expect(duplicates).toBe(0);
  });
});
