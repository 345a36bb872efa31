import { expect } from 'vitest';
import type { Client } from 'pg';
import { ReplayDriver, settleBus } from '../../src/backtest/index.js';
import { ManualClock } from '../../src/clock/index.js';
import { BINANCE_1M, readBinance1m, resample, wilderRsi } from '../support/reference-market.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

export const ORIGIN = Date.UTC(2023, 2, 1);
export const END = Date.UTC(2023, 2, 22);
const QUARTER_HOUR = 15 * 60_000;

export function appEnv(databaseUrl: string, redisUrl: string, keyPrefix: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: keyPrefix,
    BUS_CLAIM_IDLE_MS: '1000',
    MARKET_DATA_SOURCE: 'csv',
    MARKET_DATA_CSV: `BTC/USDT@1m=${BINANCE_1M}`,
    // Fills at exactly the trigger candle's close, so the test can check each against the file.
    PAPER_SLIPPAGE: '0',
  };
}

const rsi = (params: Record<string, number> | undefined, operator: string, value: number) => ({
  timeframe: '15m', indicator: 'rsi', ...(params && { params }), operator, value,
});

/** Three bots ask the same thing three ways (one registry row); one asks something else; one is deleted at once. */
export const BOT_BODIES = {
  a: { name: 'dip a', conditions: [rsi({ period: 14 }, 'lt', 30)] },
  b: { name: 'dip b', conditions: [rsi(undefined, 'lt', 30)] },
  c: { name: 'dip c', conditions: [rsi({ period: 14.0 }, 'lt', 30.0)] },
  d: { name: 'overbought', conditions: [rsi({ period: 14 }, 'gt', 70)] },
  deleted: { name: 'gone', conditions: [{ timeframe: '15m', indicator: 'price', operator: 'crosses_above', value: { indicator: 'ema', params: { period: 50 } } }] },
};

export async function createBots(app: TestApp): Promise<Record<keyof typeof BOT_BODIES, any>> {
  const created: Record<string, any> = {};
  for (const [name, body] of Object.entries(BOT_BODIES)) {
    const response = await app.http('POST', '/bots', { type: 'dca', exchange: 'paper', symbol: 'BTC/USDT', dca: { baseOrderSize: 100, orderType: 'market' }, ...body });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    created[name] = response.body;
  }
  expect((await app.http('DELETE', `/bots/${created.deleted.id}`)).status).toBe(204);
  return created as Record<keyof typeof BOT_BODIES, any>;
}

/**
 * Moves market time from where the clock is to `until` in steps through the shared replay driver: one evaluator tick
 * per step and every trigger handled, nothing else (the seed bots only place their base orders).
 */
export async function replay(app: TestApp, clock: ManualClock, until: number, stepMs: number): Promise<void> {
  await new ReplayDriver(app, clock, { stepMs, rounds: 0 }).run(clock.now(), until);
}

/** Every recorded trigger published and handled, and the orders it made sent (the replay driver's settle). */
export async function settle(app: TestApp, _db?: Client): Promise<void> {
  await settleBus(app);
}

export function referenceStates(threshold: number, below: boolean) {
  const candles = resample(readBinance1m(), 15).filter((c) => c.openTime + QUARTER_HOUR <= END);
  const values = wilderRsi(candles.map((c) => c.close), 14);
  return candles.map((candle, i) => ({
    openTime: candle.openTime,
    close: candle.close,
    rsi: values[i],
    state: values[i] !== null && (below ? values[i]! < threshold : values[i]! > threshold),
  }));
}

/** Every assertion of the seed flow, read from the database and the HTTP API after a full replay. */
export async function assertSeedFlow(app: TestApp, db: Client, bots: Record<keyof typeof BOT_BODIES, any>): Promise<void> {
  const shared = bots.a.conditions[0];
  expect(bots.b.conditions[0].id).toBe(shared.id);
  expect(bots.c.conditions[0].id).toBe(shared.id);
  expect(bots.d.conditions[0].id).not.toBe(shared.id);
  const rows = (await db.query(`SELECT count(*)::int AS n FROM conditions WHERE key = $1`, [shared.key])).rows[0].n;
  expect(rows).toBe(1);
  const view = (await app.http('GET', `/conditions/${shared.id}`)).body;
  expect(view).toMatchObject({ id: shared.id, key: 'paper:BTC/USDT:15m|rsi(period=14) lt 30', subscribers: 3 });

  const firstTriggers: Record<string, string> = {};
  for (const [conditionId, threshold, below] of [[shared.id, 30, true], [bots.d.conditions[0].id, 70, false]] as const) {
    firstTriggers[conditionId] = await assertEvaluationsAndTriggers(db, conditionId, referenceStates(threshold, below));
  }
  expect(view.lastEvaluation.candleOpenTime).toBe(new Date(END - QUARTER_HOUR).toISOString());

  for (const bot of [bots.a, bots.b, bots.c, bots.d]) await assertOneBaseOrder(app, db, bot, firstTriggers[bot.conditions[0].id]);

  const gone = bots.deleted.conditions[0].id;
  const goneEvaluations = (await db.query(`SELECT count(*)::int AS n FROM condition_evaluations WHERE condition_id = $1`, [gone])).rows[0].n;
  const goneTriggers = (await db.query(`SELECT count(*)::int AS n FROM triggers WHERE condition_id = $1`, [gone])).rows[0].n;
  expect({ goneEvaluations, goneTriggers }).toEqual({ goneEvaluations: 0, goneTriggers: 0 });
  expect((await app.http('GET', `/conditions/${gone}`)).body.subscribers).toBe(0);
}

/** One evaluation per closed candle from the baseline on, each state as the reference says, and a trigger exactly on each false → true. */
async function assertEvaluationsAndTriggers(db: Client, conditionId: string, reference: ReturnType<typeof referenceStates>): Promise<string> {
  const evaluations = (await db.query(
    `SELECT candle_open_time, state, "values" FROM condition_evaluations WHERE condition_id = $1 ORDER BY candle_open_time`, [conditionId],
  )).rows;
  const start = reference.findIndex((r) => r.openTime === evaluations[0].candle_open_time.getTime());
  expect(start).toBeGreaterThanOrEqual(0);
  expect(evaluations.map((e) => e.candle_open_time.getTime())).toEqual(reference.slice(start).map((r) => r.openTime));
  evaluations.forEach((evaluation, i) => {
    const expected = reference[start + i];
    if (expected.rsi !== null && Math.abs(expected.rsi - 30) > 1e-6 && Math.abs(expected.rsi - 70) > 1e-6) expect(evaluation.state).toBe(expected.state);
    if (expected.rsi !== null) expect(evaluation.values.lhs).toBeCloseTo(expected.rsi, 6);
  });
  const expectedTriggers = reference.slice(start + 1).filter((r, i) => r.state && !reference[start + i].state).map((r) => r.openTime);
  const triggers = (await db.query(`SELECT id, candle_open_time FROM triggers WHERE condition_id = $1 ORDER BY seq`, [conditionId])).rows;
  expect(triggers.map((t) => t.candle_open_time.getTime())).toEqual(expectedTriggers);
  expect(expectedTriggers.length).toBeGreaterThan(1);
  return triggers[0].id;
}

async function assertOneBaseOrder(app: TestApp, db: Client, bot: any, firstTriggerId: string): Promise<void> {
  const orders = (await app.http('GET', `/bots/${bot.id}/orders`)).body.items;
  expect(orders).toHaveLength(1);
  expect(orders[0]).toMatchObject({ triggerId: firstTriggerId, side: 'buy', type: 'market', status: 'filled', quoteAmount: 100 });
  const trigger = (await db.query(`SELECT candle_close_time, "values" FROM triggers WHERE id = $1`, [firstTriggerId])).rows[0];
  expect(orders[0].average).toBe(trigger.values.close);

  const delivered = (await app.http('GET', `/triggers?botId=${bot.id}&limit=1000`)).body.items;
  expect(delivered[0]).toMatchObject({ id: firstTriggerId, delivery: { outcome: 'executed' } });
  for (const later of delivered.slice(1)) {
    expect(later.delivery).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('open deal') });
  }
  const lastTrigger = delivered[delivered.length - 1];
  const current = (await app.http('GET', `/bots/${bot.id}`)).body;
  expect(current.conditions[0].lastTriggeredAt).toBe(lastTrigger.candleCloseTime);
}

export { startTestApp };
