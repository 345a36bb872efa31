import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { EvaluationService } from '../../src/evaluator/index.js';
import { OrderPlacer } from '../../src/trading/index.js';
import { TriggerRelay } from '../../src/triggers/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { deleteKeysUnder, REDIS_URL, uniqueKeyPrefix } from '../support/redis.js';
import { BINANCE_1M } from '../support/reference-market.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';
import { scrape, type Exposition } from './exposition.js';

const ORIGIN = Date.UTC(2023, 2, 1);
const END = Date.UTC(2023, 2, 21);
const STEP = 6 * 3_600_000;
const RSI_DIP = {
  name: 'rsi dip', type: 'dca', exchange: 'paper', symbol: 'BTC/USDT',
  conditions: [{ timeframe: '15m', indicator: 'rsi', params: { period: 14 }, operator: 'lt', value: 30 }],
  dca: { baseOrderSize: 100, orderType: 'market' },
};

describe('GET /metrics after a replay on real Postgres and Redis', () => {
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;
  const prefix = uniqueKeyPrefix('metrics');
  const clock = new ManualClock(ORIGIN);

  beforeAll(async () => {
    database = await createTestDatabase('metrics');
    app = await startTestApp(
      {
        DATABASE_URL: database.url, REDIS_URL, REDIS_KEY_PREFIX: prefix, MARKET_DATA_SOURCE: 'csv', MARKET_DATA_CSV: `BTC/USDT@1m=${BINANCE_1M}`, PAPER_SLIPPAGE: '0',
      },
      clock,
    );
    db = await connect(database.url);
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
    await deleteKeysUnder(prefix);
  });

  const count = async (sql: string): Promise<number> => (await db.query(sql)).rows[0].n;

  it('moves every counter, histogram and gauge by what the database recorded', async () => {
    const before = await scrape(app.baseUrl);
    expect((await app.http('POST', '/bots', RSI_DIP)).status).toBe(201);

    // Ticks until two triggers went through the bus and the notifier: the first opens a deal, the second is skipped.
    let ticks = 0;
    const latencies = new Map<string, number>();
    while (latencies.size < 2) {
      expect(clock.now(), 'two triggers before the data ends').toBeLessThan(END);
      clock.advance(STEP);
      await app.get(EvaluationService).tick();
      ticks += 1;
      await app.get(TriggerRelay).drain();
      await waitFor(async () => (await count(`SELECT count(*)::int AS n FROM triggers WHERE handled_at IS NULL`)) === 0, 10_000, 'every trigger handled');
      await app.get(OrderPlacer).idle();
      // The clock stands still while a step's triggers are handled: each one's latency is the step's time minus its candle's close.
      for (const { id, candle_close_time } of (await db.query(`SELECT id, candle_close_time FROM triggers`)).rows) {
        if (!latencies.has(id)) latencies.set(id, (clock.now() - candle_close_time.getTime()) / 1000);
      }
    }
    const triggers = latencies.size;
    await waitFor(async () => delta(before, await scrape(app.baseUrl), 'tbo_trigger_deliveries_total', { outcome: 'handled' }) === triggers, 5_000, 'deliveries counted');
    const after = await scrape(app.baseUrl);
    const moved = (name: string, labels: Record<string, string> = {}) => delta(before, after, name, labels);

    expect(moved('tbo_evaluator_ticks_total', { outcome: 'ok' })).toBe(ticks);
    expect(moved('tbo_evaluator_ticks_total', { outcome: 'failed' })).toBe(0);
    expect(moved('tbo_evaluator_tick_duration_seconds_count', { outcome: 'ok' })).toBe(ticks);
    expect(moved('tbo_evaluator_tick_duration_seconds_sum', { outcome: 'ok' })).toBeGreaterThan(0);
    expect(moved('tbo_evaluator_candles_total')).toBeGreaterThanOrEqual(ticks * (STEP / (15 * 60_000)) - 1);
    expect(moved('tbo_evaluations_total')).toBe(await count(`SELECT count(*)::int AS n FROM condition_evaluations`));
    expect(moved('tbo_triggers_total')).toBe(triggers);
    expect(moved('tbo_triggers_published_total')).toBe(triggers);

    expect(moved('tbo_trigger_deliveries_total', { outcome: 'handled' })).toBe(triggers);
    expect(moved('tbo_trigger_deliveries_total', { outcome: 'failed' })).toBe(0);
    expect(moved('tbo_notifier_handler_duration_seconds_count', { outcome: 'handled' })).toBe(triggers);
    const outcomes = Object.fromEntries((await db.query(`SELECT outcome, count(*)::int AS n FROM deliveries GROUP BY outcome`)).rows.map((r) => [r.outcome, r.n]));
    expect(outcomes.executed).toBe(1);
    expect(outcomes.skipped).toBeGreaterThanOrEqual(1);
    for (const outcome of ['executed', 'skipped', 'refused', 'duplicate']) {
      expect(moved('tbo_executions_total', { outcome }), outcome).toBe(outcomes[outcome] ?? 0);
    }
    expect(moved('tbo_trigger_delivery_latency_seconds_count')).toBe(triggers);
    expect(moved('tbo_trigger_delivery_latency_seconds_sum')).toBeCloseTo([...latencies.values()].reduce((a, b) => a + b, 0), 3);
    expect(moved('tbo_trigger_delivery_latency_seconds_bucket', { le: '+Inf' })).toBe(triggers);

    const orders = Object.fromEntries((await db.query(`SELECT status, count(*)::int AS n FROM orders GROUP BY status`)).rows.map((r) => [r.status, r.n]));
    expect(orders.filled).toBe(1);
    for (const status of ['pending', 'open', 'partially_filled', 'filled', 'canceled', 'rejected']) {
      expect(after.find('tbo_orders', { status }), status).toBe(orders[status] ?? 0);
    }
    const stream = { topic: 'trigger.fired', group: 'notifier' };
    expect(after.find('tbo_bus_pending_messages', stream)).toBe(0);
    expect(after.find('tbo_bus_lag_messages', stream)).toBe(0);
    expect(after.find('tbo_scrape_collector_up', { collector: 'orders' })).toBe(1);
    expect(after.find('tbo_scrape_collector_up', { collector: 'event_bus' })).toBe(1);
    expect(after.all('tbo_errors_total')).toEqual([]);
    // Process metrics under their standard names, once per process.
    expect(after.declares('process_cpu_user_seconds_total')).toBe(true);
    expect(after.declares('nodejs_heap_size_used_bytes')).toBe(true);
  });

  it('reads pending and lag from the stream while the notifier is held up, and 0 again once it is through', async () => {
    const [{ id: botId, condition_id: conditionId }] = (await db.query(`SELECT b.id, s.condition_id FROM bots b JOIN subscriptions s ON s.bot_id = b.id LIMIT 1`)).rows;
    // Holding the bot's row FOR UPDATE holds the notifier on the first message: recording a delivery to the bot
    // (a foreign key to it) waits for that lock.
    const blocker = await connect(database.url);
    try {
      await blocker.query('BEGIN');
      await blocker.query(`SELECT 1 FROM bots WHERE id = $1 FOR UPDATE`, [botId]);
      for (const n of [1, 2, 3]) {
        const open = END + n * 15 * 60_000;
        await db.query(`INSERT INTO triggers (id, condition_id, candle_open_time, candle_close_time, "values") VALUES ($1, $2, $3, $4, '{}')`, [
          randomUUID(), conditionId, new Date(open), new Date(open + 15 * 60_000),
        ]);
      }
      await app.get(TriggerRelay).drain();
      const stream = { topic: 'trigger.fired', group: 'notifier' };
      await waitFor(async () => {
        const held = await scrape(app.baseUrl);
        return held.value('tbo_bus_pending_messages', stream) >= 1 && held.value('tbo_bus_pending_messages', stream) + held.value('tbo_bus_lag_messages', stream) === 3;
      }, 5_000, 'three messages pending or undelivered');
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    await waitFor(async () => (await count(`SELECT count(*)::int AS n FROM triggers WHERE handled_at IS NULL`)) === 0, 10_000, 'every trigger handled');
    await waitFor(async () => {
      const through = await scrape(app.baseUrl);
      return through.value('tbo_bus_pending_messages', { topic: 'trigger.fired', group: 'notifier' }) === 0 && through.value('tbo_bus_lag_messages', { topic: 'trigger.fired', group: 'notifier' }) === 0;
    }, 5_000, 'nothing pending or undelivered');
  });
});

function delta(before: Exposition, after: Exposition, name: string, labels: Record<string, string> = {}): number {
  return after.value(name, labels) - before.value(name, labels);
}

