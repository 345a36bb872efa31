import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'pg';
import { ReplayDriver } from '../../src/backtest/index.js';
import { ManualClock } from '../../src/clock/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { deleteKeysUnder, REDIS_URL, uniqueKeyPrefix } from '../support/redis.js';
import type { TestApp } from '../support/test-app.js';
import { appEnv, ORIGIN, startTestApp } from './seed-scenario.js';

const HOUR = 3_600_000;
const END = ORIGIN + 21 * 24 * HOUR;

const entry = [{ timeframe: '15m', indicator: 'rsi', params: { period: 14 }, operator: 'lt', value: 30 }];
const ladder = { baseOrderSize: 100, safetyOrderSize: 100, maxSafetyOrders: 3, maxActiveSafetyOrders: 2, priceDeviation: 0.4, safetyOrderStepScale: 1.5, safetyOrderVolumeScale: 1.5 };
const BOTS = {
  takeProfit: { ...ladder, takeProfit: 0.8 },
  stopLoss: { ...ladder, maxSafetyOrders: 1, maxActiveSafetyOrders: 1, takeProfit: 3, stopLoss: 1.2 },
  trailing: { ...ladder, takeProfit: 0.6, trailingTakeProfit: 0.2 },
};

/** PnL of a deal from its recorded fills alone: entry legs build the position, exit legs realize it. */
async function pnlFromFills(db: Client, dealId: string): Promise<number> {
  const fills = (await db.query(
    `SELECT o.leg, f.amount, f.price, f.fee FROM fills f JOIN orders o ON o.id = f.order_id WHERE o.deal_id = $1 ORDER BY f.id`, [dealId],
  )).rows.map((r) => ({ entry: r.leg === 'base' || r.leg === 'safety', amount: Number(r.amount), value: Number(r.amount) * Number(r.price), fee: Number(r.fee) }));
  const sum = (rows: typeof fills, key: 'amount' | 'value' | 'fee') => rows.reduce((total, row) => total + row[key], 0);
  const [entries, exits] = [fills.filter((f) => f.entry), fills.filter((f) => !f.entry)];
  const average = sum(entries, 'value') / sum(entries, 'amount');
  const exitAmount = sum(exits, 'amount');
  return sum(exits, 'value') - average * exitAmount - sum(exits, 'fee') - sum(entries, 'fee') * (exitAmount / sum(entries, 'amount'));
}

describe('DCA deals over three weeks of real candles, through the whole flow', () => {
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;
  const prefix = uniqueKeyPrefix('dca_flow');
  const clock = new ManualClock(ORIGIN);
  const ids: Record<string, string> = {};
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase('dca_flow');
    env = { ...appEnv(database.url, REDIS_URL, prefix), PAPER_BALANCES: 'USDT=100000' };
    app = await startTestApp(env, clock);
    db = await connect(database.url);
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
    await deleteKeysUnder(prefix);
  });

  it('opens deals on triggers, fills safety orders on the way down, and closes by take profit, stop loss and trailing, across a restart', async () => {
    let openAtRestart = 0;
    for (const [name, dca] of Object.entries(BOTS)) {
      const created = await app.http('POST', '/bots', { name, type: 'dca', exchange: 'paper', symbol: 'BTC/USDT', conditions: entry, dca });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      ids[name] = created.body.id;
    }
    const restartAt = ORIGIN + 9 * 24 * HOUR + 5 * HOUR;
    const driver = new ReplayDriver(app, clock, { stepMs: HOUR, rounds: 3 });
    await driver.run(ORIGIN, END, {
      beforeStep: async (t) => {
        if (t !== restartAt) return;
        clock.set(t);
        openAtRestart = (await db.query(`SELECT count(*)::int AS n FROM deals WHERE status = 'open'`)).rows[0].n;
        await app.close();
        app = await startTestApp(env, clock);
        driver.use(app);
      },
    });

    expect(openAtRestart).toBeGreaterThan(0);
    const deals = (await db.query(`SELECT d.*, b.name FROM deals d JOIN bots b ON b.id = d.bot_id ORDER BY d.opened_at`)).rows;
    const byBot = (name: string) => deals.filter((d) => d.name === name);
    const reasons = (name: string) => byBot(name).map((d) => d.close_reason);
    expect(reasons('takeProfit')).toContain('take_profit');
    expect(reasons('stopLoss')).toContain('stop_loss');
    expect(reasons('trailing')).toContain('take_profit');
    expect(deals.some((d) => d.safety_orders_filled > 0)).toBe(true);

    for (const deal of deals.filter((d) => d.status === 'closed')) {
      expect(Number(deal.realized_pnl)).toBeCloseTo(await pnlFromFills(db, deal.id), 6);
      expect(Number(deal.amount)).toBeLessThan(0.0001);
    }
    for (const deal of byBot('takeProfit').filter((d) => d.close_reason === 'take_profit')) {
      expect(Number(deal.realized_pnl)).toBeGreaterThan(0);
    }
    for (const deal of byBot('stopLoss').filter((d) => d.close_reason === 'stop_loss')) {
      expect(Number(deal.realized_pnl)).toBeLessThan(0);
    }
    // Safety orders sit on the ladder hanging from the base order's fill price.
    for (const deal of deals.filter((d) => d.safety_orders_filled > 0)) {
      const safety = (await db.query(`SELECT leg_index, price FROM orders WHERE deal_id = $1 AND leg = 'safety' AND status = 'filled'`, [deal.id])).rows;
      for (const order of safety) {
        const deviation = (0.4 * (1.5 ** order.leg_index - 1)) / (1.5 - 1) / 100;
        expect(Number(order.price)).toBeCloseTo(Number(deal.base_price) * (1 - deviation), 1);
      }
    }
    // A deal closed by its resting take profit sold its whole position through it: the take profit was resized after
    // every safety fill.
    for (const deal of deals.filter((d) => d.close_reason === 'take_profit' && d.name !== 'trailing' && d.safety_orders_filled > 0)) {
      const [{ sold }] = (await db.query(`SELECT coalesce(sum(filled), 0) AS sold FROM orders WHERE deal_id = $1 AND leg = 'take_profit'`, [deal.id])).rows;
      expect(Number(sold)).toBeCloseTo(Number(deal.entry_amount), 5);
    }
    const tpFills = (await db.query(
      `SELECT o.average, d.average_entry FROM orders o JOIN deals d ON d.id = o.deal_id JOIN bots b ON b.id = d.bot_id
       WHERE b.name = 'takeProfit' AND o.leg = 'take_profit' AND o.status = 'filled'`,
    )).rows;
    expect(tpFills.length).toBeGreaterThan(0);
    for (const fill of tpFills) expect(Number(fill.average)).toBeGreaterThanOrEqual(Number(fill.average_entry) * 1.008 - 0.01);
    const negative = (await db.query(`SELECT count(*)::int AS n FROM paper_balances WHERE free < 0 OR used < 0`)).rows[0].n;
    expect(negative).toBe(0);
  }, 300_000);
});
