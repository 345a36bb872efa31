import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'pg';
import { ManualClock } from '../../src/clock/index.js';
import type { TriggerFiredV1 } from '../../src/event-bus/index.js';
import { TriggerRouter } from '../../src/notifier/index.js';
import { OrderPlacer } from '../../src/trading/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const T0 = Date.UTC(2024, 0, 1, 12);
const QUARTER = 15 * 60_000;

describe('the notifier routes each trigger to each subscribed bot exactly once', () => {
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase('router');
    app = await startTestApp({ DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'simulated' }, new ManualClock(T0));
    db = await connect(database.url);
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
  });

  const condition = (value: number) => ({ timeframe: '15m', indicator: 'rsi', operator: 'lt', value });

  async function createBot(conditions: object[], symbol = 'ETH/USDT'): Promise<any> {
    const response = await app.http('POST', '/bots', { name: 'b', type: 'dca', exchange: 'paper', symbol, conditions, dca: { baseOrderSize: 50 } });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body;
  }

  async function recordTrigger(conditionId: string, candleOpenTime: number): Promise<TriggerFiredV1> {
    const trigger: TriggerFiredV1 = {
      triggerId: randomUUID(), conditionId, conditionKey: 'k', candleOpenTime, candleCloseTime: candleOpenTime + QUARTER, values: { lhs: 25, rhs: 30, close: 100 },
    };
    await db.query(`INSERT INTO triggers (id, condition_id, candle_open_time, candle_close_time, "values") VALUES ($1, $2, $3, $4, $5)`, [
      trigger.triggerId, conditionId, new Date(candleOpenTime), new Date(trigger.candleCloseTime), trigger.values,
    ]);
    return trigger;
  }

  const deliveries = async (triggerId: string) =>
    (await db.query(`SELECT bot_id, outcome, reason FROM deliveries WHERE trigger_id = $1 ORDER BY bot_id`, [triggerId])).rows;
  const orderCount = async (botId: string) => (await db.query(`SELECT count(*)::int AS n FROM orders WHERE bot_id = $1`, [botId])).rows[0].n;

  it('does nothing more when the same trigger is delivered again, or twice at once', async () => {
    const [first, second] = [await createBot([condition(21)]), await createBot([condition(21)])];
    const trigger = await recordTrigger(first.conditions[0].id, T0);
    const router = app.get(TriggerRouter);
    await Promise.all([router.route(trigger), router.route(trigger)]);
    await router.route(trigger);
    await app.get(OrderPlacer).idle();
    expect((await deliveries(trigger.triggerId)).map((d) => d.outcome)).toEqual(['executed', 'executed']);
    expect(await orderCount(first.id)).toBe(1);
    expect(await orderCount(second.id)).toBe(1);
    const handled = (await db.query(`SELECT handled_at FROM triggers WHERE id = $1`, [trigger.triggerId])).rows[0].handled_at;
    expect(handled).not.toBeNull();
  });

  it('fires an entry only when all the bot\'s conditions hold at the trigger\'s candle', async () => {
    const bot = await createBot([condition(22), { timeframe: '1h', indicator: 'price', operator: 'gt', value: 10 }]);
    const [rsi, price] = bot.conditions;
    const early = await recordTrigger(rsi.id, T0);
    await app.get(TriggerRouter).route(early);
    expect(await deliveries(early.triggerId)).toEqual([
      { bot_id: bot.id, outcome: 'skipped', reason: expect.stringContaining(price.id) },
    ]);
    // The 1h condition held on the hour candle closed by the next trigger's close: the entry fires.
    await db.query(`INSERT INTO condition_evaluations (condition_id, candle_open_time, state, "values") VALUES ($1, $2, true, '{}')`, [price.id, new Date(T0 - 3_600_000 + QUARTER)]);
    const late = await recordTrigger(rsi.id, T0 + QUARTER);
    await app.get(TriggerRouter).route(late);
    expect(await deliveries(late.triggerId)).toEqual([{ bot_id: bot.id, outcome: 'executed', reason: null }]);
    // A later evaluation does not rewrite history: the early trigger stays skipped.
    expect((await deliveries(early.triggerId))[0].outcome).toBe('skipped');
  });

  it('keeps delivering to the other bots when one fails, and leaves the trigger for a retry', async () => {
    const healthy = await createBot([condition(23)]);
    const broken = await createBot([condition(23)]);
    await db.query(`UPDATE bots SET type = 'unknown-type' WHERE id = $1`, [broken.id]);
    const trigger = await recordTrigger(healthy.conditions[0].id, T0);
    const router = app.get(TriggerRouter);
    await expect(router.route(trigger)).rejects.toThrow(broken.id);
    expect(await deliveries(trigger.triggerId)).toEqual([{ bot_id: healthy.id, outcome: 'executed', reason: null }]);
    expect((await db.query(`SELECT handled_at FROM triggers WHERE id = $1`, [trigger.triggerId])).rows[0].handled_at).toBeNull();

    await db.query(`UPDATE bots SET type = 'dca' WHERE id = $1`, [broken.id]);
    await router.route(trigger);
    await app.get(OrderPlacer).idle();
    expect(await deliveries(trigger.triggerId)).toHaveLength(2);
    expect(await orderCount(healthy.id)).toBe(1);
    expect(await orderCount(broken.id)).toBe(1);
  });

  it('skips stopped bots and records a second trigger on an open deal as skipped with the reason', async () => {
    const running = await createBot([condition(24)]);
    const stopped = await createBot([condition(24)]);
    await app.http('POST', `/bots/${stopped.id}/stop`);
    const router = app.get(TriggerRouter);
    await router.route(await recordTrigger(running.conditions[0].id, T0));
    const again = await recordTrigger(running.conditions[0].id, T0 + 4 * QUARTER);
    await router.route(again);
    expect(await deliveries(again.triggerId)).toEqual([
      { bot_id: running.id, outcome: 'skipped', reason: expect.stringMatching(/already has an open deal/) },
    ]);
    expect(await orderCount(stopped.id)).toBe(0);
  });

  it('updates lastTriggeredAt of the subscription to the trigger candle\'s close', async () => {
    const bot = await createBot([condition(26)]);
    const trigger = await recordTrigger(bot.conditions[0].id, T0 + 8 * QUARTER);
    await app.get(TriggerRouter).route(trigger);
    const view = (await app.http('GET', `/bots/${bot.id}`)).body;
    expect(view.conditions[0].lastTriggeredAt).toBe(new Date(trigger.candleCloseTime).toISOString());
  });
});
