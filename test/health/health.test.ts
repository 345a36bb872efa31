import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvaluationService } from '../../src/evaluator/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { deleteKeysUnder, REDIS_URL, uniqueKeyPrefix } from '../support/redis.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

describe('GET /health', () => {
  let database: TestDatabase;
  let app: TestApp;
  const prefix = uniqueKeyPrefix('health');

  beforeAll(async () => {
    database = await createTestDatabase('health');
    // The cron runs every second, and every tick fails: the evaluator never completes one.
    app = await startTestApp(
      { DATABASE_URL: database.url, REDIS_URL, REDIS_KEY_PREFIX: prefix, MARKET_DATA_SOURCE: 'simulated', EVALUATOR_CRON: '* * * * * *', EVALUATOR_STALE_MS: '1000' },
      undefined,
      [{ provide: EvaluationService, useValue: { tick: () => Promise.reject(new Error('feed down')) } }],
    );
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
    await deleteKeysUnder(prefix);
  });

  it('reports the database, a Redis round trip with the stream\'s pending and lag, and an evaluator that never ticked as stale', async () => {
    // Not one tick completed since the start, EVALUATOR_STALE_MS ago: degraded, though there is no last tick to age.
    await waitFor(async () => (await app.http('GET', '/health', undefined, { token: null })).status === 503, 5_000, 'health degraded');
    const stale = await app.http('GET', '/health', undefined, { token: null });
    expect(stale.body.error).toEqual({ evaluator: { status: 'down', lastTickAgeMs: null, staleAfterMs: 1000 } });
    expect(stale.body.info).toEqual({
      database: { status: 'up', responseTime: expect.any(Number) },
      eventBus: { status: 'up', kind: 'redis', pending: 0, lag: 0, responseTime: expect.any(Number) },
    });
  });
});
