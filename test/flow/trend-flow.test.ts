import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'pg';
import { ReplayDriver } from '../../src/backtest/index.js';
import { ManualClock } from '../../src/clock/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { deleteKeysUnder, REDIS_URL, uniqueKeyPrefix } from '../support/redis.js';
import { readBinance1m, resample } from '../support/reference-market.js';
import { crossings, referenceEma } from '../support/reference-ema.js';
import type { TestApp } from '../support/test-app.js';
import { appEnv, ORIGIN, startTestApp } from './seed-scenario.js';

const HOUR = 3_600_000;
const QUARTER = 15 * 60_000;
const END = ORIGIN + 21 * 24 * HOUR;
const ema = (period: number) => ({ indicator: 'ema', params: { period } });
const crossUp = [{ timeframe: '15m', ...ema(9), operator: 'crosses_above', value: ema(21) }];
const crossDown = [{ timeframe: '15m', ...ema(9), operator: 'crosses_below', value: ema(21) }];
const never = [{ timeframe: '15m', indicator: 'rsi', operator: 'gt', value: 99.9 }];
const BOTS = {
  signals: { conditions: crossUp, trend: { exitConditions: crossDown, positionSize: 100 } },
  stopLoss: { conditions: crossUp, trend: { exitConditions: never, positionSize: 100, stopLoss: 0.5 } },
  trailing: { conditions: crossUp, trend: { exitConditions: never, positionSize: 100, trailingStop: { activation: 0.3, delta: 0.2 } } },
  timeLimit: { conditions: crossUp, trend: { exitConditions: never, positionSize: 100, timeLimit: 4 * 3600 } },
};

describe('trend bots over three weeks of real candles, through the whole flow', () => {
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;
  const prefix = uniqueKeyPrefix('trend_flow');
  const clock = new ManualClock(ORIGIN);

  beforeAll(async () => {
    database = await createTestDatabase('trend_flow');
    app = await startTestApp({ ...appEnv(database.url, REDIS_URL, prefix), PAPER_BALANCES: 'USDT=100000' }, clock);
    db = await connect(database.url);
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
    await deleteKeysUnder(prefix);
  });

  it('enters and exits exactly on the crossing candles, and each exit rule closes positions on its own', async () => {
    const ids: Record<string, string> = {};
    for (const [name, body] of Object.entries(BOTS)) {
      const created = await app.http('POST', '/bots', { name, type: 'trend', exchange: 'paper', symbol: 'BTC/USDT', ...body });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      ids[name] = created.body.id;
    }
    await new ReplayDriver(app, clock, { stepMs: HOUR, rounds: 2 }).run(ORIGIN, END);

    // Independently: EMA(9) and EMA(21) on the 15m resample, and the positions a flat → long → flat bot takes.
    const candles = resample(readBinance1m(), 15).filter((c) => c.openTime + QUARTER <= END);
    const closes = candles.map((c) => c.close);
    const { up, down } = crossings(referenceEma(closes, 9), referenceEma(closes, 21));
    const expected: { entry: number; exit: number | null }[] = [];
    for (const entry of up) {
      if (expected.length && (expected.at(-1)!.exit === null || expected.at(-1)!.exit! >= entry)) continue;
      const exit = down.find((i) => i > entry) ?? null;
      expected.push({ entry, exit });
    }
    const closeTime = (i: number) => candles[i].openTime + QUARTER;

    const signalDeals = (await db.query(
      `SELECT d.opened_at, d.status, d.close_reason, (SELECT min(at) FROM deal_events e WHERE e.deal_id = d.id AND e.type = 'close_requested') AS exit_at
       FROM deals d WHERE d.bot_id = $1 ORDER BY d.opened_at`, [ids.signals],
    )).rows;
    expect(signalDeals.map((d) => d.opened_at.getTime())).toEqual(expected.map((e) => closeTime(e.entry)));
    expect(signalDeals.map((d) => d.exit_at?.getTime() ?? null)).toEqual(expected.map((e) => (e.exit === null ? null : closeTime(e.exit))));
    expect(signalDeals.filter((d) => d.status === 'closed').every((d) => d.close_reason === 'exit_signal')).toBe(true);

    const reasons = async (name: string) => (await db.query(`SELECT close_reason FROM deals WHERE bot_id = $1 AND status = 'closed'`, [ids[name]])).rows.map((r) => r.close_reason);
    expect(await reasons('stopLoss')).toContain('stop_loss');
    expect(await reasons('trailing')).toContain('trailing_stop');
    expect(new Set(await reasons('timeLimit'))).toEqual(new Set(['time_limit']));
    const held = (await db.query(
      `SELECT extract(epoch FROM closed_at - opened_at) AS s FROM deals WHERE bot_id = $1 AND status = 'closed'`, [ids.timeLimit],
    )).rows.map((r) => Number(r.s));
    for (const seconds of held) expect(seconds).toBeGreaterThanOrEqual(4 * 3600);

    const open = (await db.query(`SELECT bot_id, count(*)::int AS n FROM deals WHERE status = 'open' AND phase <> 'closing' GROUP BY bot_id`)).rows;
    for (const row of open) expect(row.n).toBe(1);
  }, 300_000);
});
