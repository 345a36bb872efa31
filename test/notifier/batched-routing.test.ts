import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Client } from 'pg';
import { ManualClock } from '../../src/clock/index.js';
import type { TriggerFiredV1 } from '../../src/event-bus/index.js';
import { ExecutorTicker } from '../../src/executors/index.js';
import { TriggerRouter } from '../../src/notifier/index.js';
import { OrderPlacer } from '../../src/trading/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const QUARTER = 15 * 60_000;
const T0 = Date.UTC(2024, 0, 2, 12);

/**
 * The notifier routes a trigger's recipients in chunks, one transaction each, with set-based statements. These tests
 * cross chunk boundaries with few bots (the router's chunk size lowered) and hold the chunked path to what one
 * transaction per bot gives: exactly once, the same risk decisions in the same order, one failing bot alone.
 */
describe('batched routing: chunks of recipients, one transaction each', () => {
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;
  let router: TriggerRouter;
  let defaultChunkSize: number;
  let nextRsi = 10;

  beforeAll(async () => {
    database = await createTestDatabase('batched_routing');
    app = await startTestApp({ DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'simulated' }, new ManualClock(T0));
    db = await connect(database.url);
    router = app.get(TriggerRouter);
    defaultChunkSize = router.chunkSize;
  });

  afterEach(async () => {
    router.chunkSize = defaultChunkSize;
    vi.restoreAllMocks();
    await app.get(OrderPlacer).idle();
    await app.get(ExecutorTicker).settle();
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
  });

  async function paperAccount(usdt = 1_000_000): Promise<string> {
    const response = await app.http('POST', '/exchange-accounts', { exchange: 'paper', label: 'batch', balances: { USDT: usdt } });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.id;
  }

  /** DCA bots on the account, all on one new entry condition, created in this order (the recipients' order). */
  async function bots(exchangeAccountId: string, sizes: number[], dca: object = {}): Promise<{ ids: string[]; conditionId: string }> {
    const condition = { timeframe: '15m', indicator: 'rsi', operator: 'lt', value: nextRsi++ };
    const ids: string[] = [];
    let conditionId = '';
    for (const baseOrderSize of sizes) {
      const response = await app.http('POST', '/bots', {
        name: 'batch', type: 'dca', exchange: 'paper', exchangeAccountId, symbol: 'ETH/USDT', conditions: [condition], dca: { baseOrderSize, ...dca },
      });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      ids.push(response.body.id);
      conditionId = response.body.conditions[0].id;
    }
    return { ids, conditionId };
  }

  async function recordTrigger(conditionId: string, candleOpenTime = T0): Promise<TriggerFiredV1> {
    const trigger: TriggerFiredV1 = {
      triggerId: randomUUID(), conditionId, conditionKey: 'k', candleOpenTime, candleCloseTime: candleOpenTime + QUARTER, values: { lhs: 25, rhs: 30, close: 100 },
    };
    await db.query(`INSERT INTO triggers (id, condition_id, candle_open_time, candle_close_time, "values") VALUES ($1, $2, $3, $4, $5)`, [
      trigger.triggerId, conditionId, new Date(candleOpenTime), new Date(trigger.candleCloseTime), trigger.values,
    ]);
    return trigger;
  }

  /** Each bot's delivery of the trigger (outcome and reason), in the order of `botIds`. */
  async function outcomes(triggerId: string, botIds: string[]): Promise<{ outcome: string; reason: string | null }[]> {
    const { rows } = await db.query(`SELECT bot_id, outcome, reason FROM deliveries WHERE trigger_id = $1`, [triggerId]);
    return botIds.map((id) => {
      const row = rows.find((r) => r.bot_id === id);
      return row ? { outcome: row.outcome, reason: row.reason } : { outcome: 'none', reason: null };
    });
  }

  const count = async (sql: string, params: unknown[]) => (await db.query(sql, params)).rows[0].n as number;

  it('takes effect once per bot across chunks, when the trigger comes again or twice at once', async () => {
    const account = await paperAccount();
    const { ids, conditionId } = await bots(account, Array(12).fill(10));
    const trigger = await recordTrigger(conditionId);
    router.chunkSize = 5;
    const concurrent = await Promise.all([router.route(trigger), router.route(trigger)]);
    const again = await router.route(trigger);

    expect(concurrent[0].executed + concurrent[1].executed).toBe(12);
    expect(concurrent[0].duplicate + concurrent[1].duplicate).toBe(12);
    expect(again).toEqual({ executed: 0, skipped: 0, refused: 0, duplicate: 12 });
    expect((await outcomes(trigger.triggerId, ids)).map((o) => o.outcome)).toEqual(Array(12).fill('executed'));
    expect(await count(`SELECT count(*)::int AS n FROM deliveries WHERE trigger_id = $1`, [trigger.triggerId])).toBe(12);
    expect(await count(`SELECT count(*)::int AS n FROM deals WHERE trigger_id = $1`, [trigger.triggerId])).toBe(12);
    expect(await count(`SELECT count(*)::int AS n FROM orders WHERE trigger_id = $1`, [trigger.triggerId])).toBe(12);
    expect(await count(`SELECT count(*)::int AS n FROM deal_events e JOIN deals d ON d.id = e.deal_id WHERE d.trigger_id = $1 AND e.type = 'opened'`, [trigger.triggerId])).toBe(12);
    expect(await count(`SELECT count(DISTINCT bot_id)::int AS n FROM deals WHERE trigger_id = $1`, [trigger.triggerId])).toBe(12);
    expect((await db.query(`SELECT handled_at FROM triggers WHERE id = $1`, [trigger.triggerId])).rows[0].handled_at).not.toBeNull();
    const triggered = await db.query(`SELECT last_triggered_at FROM subscriptions WHERE condition_id = $1`, [conditionId]);
    expect(triggered.rows.map((r) => r.last_triggered_at?.getTime())).toEqual(Array(12).fill(trigger.candleCloseTime));
  });

  it('skips a bot with an open deal and refuses over the limits exactly as one transaction per bot does', async () => {
    // Orders stay pending while the decisions are compared: a fill between two one-bot transactions would change the
    // exposure the next one reads, and the two runs would not see the same account.
    vi.spyOn(app.get(OrderPlacer), 'submit').mockResolvedValue(undefined);
    // 6.1 + 16.1 + 6 is exactly 28.2 (what Postgres sums), but 28.200000000000003 in floats added one by one. The
    // limits are checked before the executor: the second bot passes them, is skipped, and leaves its room to the next.
    const sizes = [6.1, 6, 16.1, 6, 6, 6];
    const runs: { outcome: string; reason: string | null }[][] = [];
    for (const chunkSize of [100, 2, 1]) {
      const account = await paperAccount();
      const { ids, conditionId } = await bots(account, sizes, { maxActiveDeals: 1 });
      // The second bot already holds a deal: the executor skips it, and it does not use up the limits' room.
      await db.query(
        `INSERT INTO deals (id, bot_id, exchange_account_id, symbol, direction, status, phase, opened_at) VALUES ($1, $2, $3, 'ETH/USDT', 'long', 'open', 'active', $4)`,
        [randomUUID(), ids[1], account, new Date(T0 - QUARTER)],
      );
      expect((await app.http('PUT', `/exchange-accounts/${account}/risk`, { maxExposure: 28.2, maxOpenDeals: 4 })).status).toBe(200);
      router.chunkSize = chunkSize;
      const trigger = await recordTrigger(conditionId);
      const summary = await router.route(trigger);
      expect(summary).toEqual({ executed: 3, skipped: 1, refused: 2, duplicate: 0 });
      // The deal named in a reason is each run's own.
      runs.push((await outcomes(trigger.triggerId, ids)).map((o) => ({ ...o, reason: o.reason?.replace(/[0-9a-f-]{36}/g, '<deal>') ?? null })));
    }
    expect(runs[0]).toEqual([
      { outcome: 'executed', reason: null },
      { outcome: 'skipped', reason: 'bot already has an open deal (<deal>)' },
      { outcome: 'executed', reason: null },
      { outcome: 'executed', reason: null },
      { outcome: 'refused', reason: expect.stringMatching(/^risk:max_open_deals: 4 deal\(s\) open on the account, the maximum is 4/) },
      { outcome: 'refused', reason: expect.stringMatching(/^risk:max_open_deals: /) },
    ]);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  });

  it('counts the exposure of the deals a chunk opens exactly, as Postgres sums it', async () => {
    vi.spyOn(app.get(OrderPlacer), 'submit').mockResolvedValue(undefined);
    const runs: { outcome: string; reason: string | null }[][] = [];
    for (const chunkSize of [100, 1]) {
      const account = await paperAccount();
      const { ids, conditionId } = await bots(account, [6.1, 16.1, 6, 6]);
      expect((await app.http('PUT', `/exchange-accounts/${account}/risk`, { maxExposure: 28.2 })).status).toBe(200);
      router.chunkSize = chunkSize;
      const trigger = await recordTrigger(conditionId);
      await router.route(trigger);
      runs.push(await outcomes(trigger.triggerId, ids));
    }
    expect(runs[0].map((o) => o.outcome)).toEqual(['executed', 'executed', 'executed', 'refused']);
    expect(runs[0][3].reason).toMatch(/^risk:max_exposure: exposure 28\.2 \+ 6 for the new deal would exceed the maximum of 28\.2/);
    expect(runs[1]).toEqual(runs[0]);
  });

  it('delivers to the other bots of a chunk when one of them fails, and to that one once it is fixed', async () => {
    const account = await paperAccount();
    const { ids, conditionId } = await bots(account, Array(6).fill(10));
    // A direction the deals table refuses: the chunk's insert fails, the chunk is delivered again bot by bot.
    await db.query(`UPDATE bots SET settings = settings || '{"direction": "sideways"}' WHERE id = $1`, [ids[2]]);
    const trigger = await recordTrigger(conditionId);
    router.chunkSize = 10;
    await expect(router.route(trigger)).rejects.toThrow(ids[2]);
    expect((await outcomes(trigger.triggerId, ids)).map((o) => o.outcome)).toEqual(['executed', 'executed', 'none', 'executed', 'executed', 'executed']);
    expect(await count(`SELECT count(*)::int AS n FROM deals WHERE trigger_id = $1`, [trigger.triggerId])).toBe(5);
    expect((await db.query(`SELECT handled_at FROM triggers WHERE id = $1`, [trigger.triggerId])).rows[0].handled_at).toBeNull();

    await db.query(`UPDATE bots SET settings = settings - 'direction' WHERE id = $1`, [ids[2]]);
    expect(await router.route(trigger)).toEqual({ executed: 1, skipped: 0, refused: 0, duplicate: 5 });
    expect((await outcomes(trigger.triggerId, ids)).map((o) => o.outcome)).toEqual(Array(6).fill('executed'));
    expect(await count(`SELECT count(*)::int AS n FROM orders WHERE trigger_id = $1`, [trigger.triggerId])).toBe(6);
  });

  it('opens one deal per bot when two triggers reach the same bots at once, without a deadlock', async () => {
    const account = await paperAccount();
    const conditions = [{ timeframe: '15m', indicator: 'rsi', operator: 'lt', value: nextRsi++ }, { timeframe: '15m', indicator: 'price', operator: 'gt', value: nextRsi++ }];
    const ids: string[] = [];
    let conditionIds: string[] = [];
    for (let i = 0; i < 8; i++) {
      const response = await app.http('POST', '/bots', { name: 'two', type: 'dca', exchange: 'paper', exchangeAccountId: account, symbol: 'ETH/USDT', conditions, dca: { baseOrderSize: 10 } });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      ids.push(response.body.id);
      conditionIds = response.body.conditions.map((c: { id: string }) => c.id);
    }
    // Both conditions became true on the same candle: each trigger finds the other condition held (the AND rule).
    for (const id of conditionIds) {
      await db.query(`INSERT INTO condition_evaluations (condition_id, candle_open_time, state, "values") VALUES ($1, $2, true, '{}')`, [id, new Date(T0)]);
    }
    const triggers = [await recordTrigger(conditionIds[0]), await recordTrigger(conditionIds[1])];
    router.chunkSize = 3;
    const summaries = await Promise.all(triggers.map((t) => router.route(t)));
    expect(summaries[0].executed + summaries[1].executed).toBe(8);
    expect(summaries[0].skipped + summaries[1].skipped).toBe(8);
    const { rows } = await db.query(`SELECT bot_id, count(*)::int AS n FROM deals WHERE bot_id = ANY($1::uuid[]) GROUP BY bot_id`, [ids]);
    expect(rows.map((r) => r.n)).toEqual(Array(8).fill(1));
    const both = [await outcomes(triggers[0].triggerId, ids), await outcomes(triggers[1].triggerId, ids)];
    for (let i = 0; i < 8; i++) {
      expect([both[0][i].outcome, both[1][i].outcome].sort()).toEqual(['executed', 'skipped']);
    }
  });

  it('judges the AND of entry conditions per bot inside a chunk', async () => {
    const account = await paperAccount();
    const { ids, conditionId } = await bots(account, [10, 10]);
    // The second bot also needs a 1h condition that did not hold: it is skipped, the first executes.
    const extra = await app.http('POST', '/bots', {
      name: 'and', type: 'dca', exchange: 'paper', exchangeAccountId: account, symbol: 'ETH/USDT',
      conditions: [{ timeframe: '15m', indicator: 'rsi', operator: 'lt', value: nextRsi - 1 }, { timeframe: '1h', indicator: 'price', operator: 'gt', value: 10 }], dca: { baseOrderSize: 10 },
    });
    expect(extra.status, JSON.stringify(extra.body)).toBe(201);
    const trigger = await recordTrigger(conditionId);
    expect(await router.route(trigger)).toEqual({ executed: 2, skipped: 1, refused: 0, duplicate: 0 });
    const [andBot] = await outcomes(trigger.triggerId, [extra.body.id]);
    expect(andBot).toEqual({ outcome: 'skipped', reason: expect.stringContaining(extra.body.conditions[1].id) });
    expect((await outcomes(trigger.triggerId, ids)).map((o) => o.outcome)).toEqual(['executed', 'executed']);
  });
});
