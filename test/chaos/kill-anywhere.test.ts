import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'pg';
import { AppProcess } from '../support/app-process.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { assertFlowInvariants, waitUntilDrained } from '../support/flow-invariants.js';
import { deleteKeysUnder, REDIS_URL, uniqueKeyPrefix } from '../support/redis.js';
import { BINANCE_1M } from '../support/reference-market.js';
import { sleep } from '../support/wait-for.js';
import { Rng } from '../support/seeded-random.js';

const KILLS = 20;

const ema = (period: number) => ({ indicator: 'sma', params: { period } });
const BOTS = [
  { name: 'cross a', conditions: [{ timeframe: '15m', indicator: 'price', operator: 'crosses_above', value: ema(20) }] },
  { name: 'cross b', conditions: [{ timeframe: '15m', indicator: 'price', operator: 'crosses_above', value: ema(20) }] },
  { name: 'dip', conditions: [{ timeframe: '15m', indicator: 'rsi', operator: 'lt', value: 40 }] },
];
const DCA = { baseOrderSize: 50, safetyOrderSize: 50, maxSafetyOrders: 1, priceDeviation: 0.3, takeProfit: 0.3 };

describe('killing the app anywhere in the flow', () => {
  let database: TestDatabase;
  let db: Client;
  let app: AppProcess | undefined;
  const prefix = uniqueKeyPrefix('chaos');

  beforeAll(async () => {
    database = await createTestDatabase('chaos');
    db = await connect(database.url);
  });

  afterAll(async () => {
    await app?.kill();
    await db?.end();
    await database?.drop();
    await deleteKeysUnder(prefix);
  });

  it(`loses no trigger and doubles no order over ${KILLS} SIGKILLs at random points`, async () => {
    const env = {
      DATABASE_URL: database.url, REDIS_URL, REDIS_KEY_PREFIX: prefix,
      MARKET_DATA_SOURCE: 'csv', MARKET_DATA_CSV: `BTC/USDT@1m=${BINANCE_1M}`,
      REPLAY_SPEED: '7200', REPLAY_STARTED_AT: String(Date.now()), EVALUATOR_CRON: '* * * * * *',
      RELAY_INTERVAL_MS: '200', BUS_CLAIM_IDLE_MS: '1000', RECONCILE_INTERVAL_MS: '300', EVALUATOR_LEASE_MS: '2000',
      PAPER_BALANCES: 'USDT=1000000', PAPER_SLIPPAGE: '0',
    };
    app = await AppProcess.start(env);
    for (const bot of BOTS) {
      const created = await app.http('POST', '/bots', { type: 'dca', exchange: 'paper', symbol: 'BTC/USDT', dca: DCA, ...bot });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    const rng = new Rng(42);
    for (let kill = 0; kill < KILLS; kill++) {
      await sleep(300 + Math.floor(rng.next() * 2200));
      await app.kill();
      app = await AppProcess.start(env);
    }
    await sleep(1500);
    await app.kill();

    // A last instance with the evaluator off finishes what the killed ones left: relays, deliveries, orders.
    app = await AppProcess.start({ ...env, EVALUATOR_CRON: 'off' });
    await waitUntilDrained(db);
    expect(await app.stop()).toBe(0);
    app = undefined;

    const totals = await assertFlowInvariants(db);
    expect(totals.triggers).toBeGreaterThan(10);
    expect(totals.orders).toBeGreaterThan(10);
  }, 300_000);
});
