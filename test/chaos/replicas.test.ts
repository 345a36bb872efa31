import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'pg';
import { AppProcess } from '../support/app-process.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { assertFlowInvariants, waitUntilDrained } from '../support/flow-invariants.js';
import { deleteKeysUnder, REDIS_URL, uniqueKeyPrefix } from '../support/redis.js';
import { BINANCE_1M } from '../support/reference-market.js';
import { sleep, waitFor } from '../support/wait-for.js';

const sma = { indicator: 'sma', params: { period: 20 } };

describe('two replicas on one Postgres and one Redis', () => {
  let database: TestDatabase;
  let db: Client;
  const apps: AppProcess[] = [];
  const prefix = uniqueKeyPrefix('replicas');

  beforeAll(async () => {
    database = await createTestDatabase('replicas');
    db = await connect(database.url);
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.kill()));
    await db?.end();
    await database?.drop();
    await deleteKeysUnder(prefix);
  });

  it('share the work, each candle evaluated once, and the survivor takes over when one is killed', async () => {
    const env = {
      DATABASE_URL: database.url, REDIS_URL, REDIS_KEY_PREFIX: prefix,
      MARKET_DATA_SOURCE: 'csv', MARKET_DATA_CSV: `BTC/USDT@1m=${BINANCE_1M}`,
      REPLAY_SPEED: '3600', REPLAY_STARTED_AT: String(Date.now()), EVALUATOR_CRON: '* * * * * *',
      RELAY_INTERVAL_MS: '200', BUS_CLAIM_IDLE_MS: '1000', RECONCILE_INTERVAL_MS: '300', EVALUATOR_LEASE_MS: '3000',
      PAPER_BALANCES: 'USDT=1000000', PAPER_SLIPPAGE: '0',
    };
    const [first, second] = [await AppProcess.start(env), await AppProcess.start(env)];
    apps.push(first, second);
    // Several series, so that the leases can split them between the replicas.
    for (const timeframe of ['5m', '15m', '1h']) {
      for (const name of ['a', 'b']) {
        const created = await first.http('POST', '/bots', {
          name: `${timeframe} ${name}`, type: 'dca', exchange: 'paper', symbol: 'BTC/USDT', dca: { baseOrderSize: 50, takeProfit: 0.3 },
          conditions: [{ timeframe, indicator: 'price', operator: 'crosses_above', value: sma }],
        });
        expect(created.status).toBe(201);
      }
    }
    await sleep(5000);
    const holders = async () => new Set((await db.query(`SELECT holder FROM series_leases WHERE expires_at > now()`)).rows.map((r) => r.holder));
    expect((await holders()).size).toBeGreaterThanOrEqual(1);

    await first.kill();
    const killedAt = Date.now();
    const newest = async () => (await db.query(`SELECT max(candle_open_time) AS t FROM condition_evaluations`)).rows[0].t.getTime();
    const before = await newest();
    // The survivor holds every series within the lease time and keeps evaluating.
    await waitFor(async () => (await holders()).size === 1, 30_000, 'the survivor holds every lease');
    await waitFor(async () => (await newest()) > before + 3_600_000, 30_000, 'evaluation goes on');
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    await sleep(2000);
    await second.kill();

    const drain = await AppProcess.start({ ...env, EVALUATOR_CRON: 'off' });
    apps.push(drain);
    await waitUntilDrained(db);
    expect(await drain.stop()).toBe(0);
    const totals = await assertFlowInvariants(db);
    expect(totals.triggers).toBeGreaterThan(0);
    expect(totals.deliveries).toBeGreaterThan(0);
  }, 180_000);
});
