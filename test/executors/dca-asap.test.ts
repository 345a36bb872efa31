import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'pg';
import { ManualClock } from '../../src/clock/index.js';
import { ExecutorTicker } from '../../src/executors/index.js';
import { OrderReconciler } from '../../src/trading/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { BINANCE_1M } from '../support/reference-market.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ORIGIN = Date.UTC(2023, 2, 1);
const MINUTE = 60_000;

describe('DCA deals started as soon as possible', () => {
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;
  const clock = new ManualClock(ORIGIN + 60 * MINUTE);

  beforeAll(async () => {
    database = await createTestDatabase('dca_asap');
    app = await startTestApp({ DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'csv', MARKET_DATA_CSV: `BTC/USDT@1m=${BINANCE_1M}`, PAPER_SLIPPAGE: '0' }, clock);
    db = await connect(database.url);
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
  });

  async function step(minutes: number): Promise<void> {
    clock.advance(minutes * MINUTE);
    await app.get(OrderReconciler).runOnce();
    await app.get(ExecutorTicker).tick();
    await app.get(ExecutorTicker).settle();
  }

  it('needs no conditions, opens a deal at once, and the next one only after the cooldown', async () => {
    const created = await app.http('POST', '/bots', {
      name: 'asap', type: 'dca', exchange: 'paper', symbol: 'BTC/USDT',
      dca: { baseOrderSize: 50, startAsap: true, takeProfit: 0.1, cooldown: 3600 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.conditions).toEqual([]);
    const deals = async () => (await db.query(`SELECT status, close_reason, opened_at, closed_at FROM deals ORDER BY opened_at`)).rows;

    await step(1);
    expect(await deals()).toHaveLength(1);
    for (let i = 0; i < 600 && (await deals())[0].status === 'open'; i++) await step(5);
    const [first] = await deals();
    expect(first).toMatchObject({ status: 'closed', close_reason: 'take_profit' });

    await step(5);
    expect(await deals()).toHaveLength(1);
    for (let i = 0; i < 20 && (await deals()).length === 1; i++) await step(5);
    const [, second] = await deals();
    expect(second.opened_at.getTime() - first.closed_at.getTime()).toBeGreaterThanOrEqual(3_600_000);
  }, 120_000);

  it('still requires conditions from a bot that does not start as soon as possible', async () => {
    const response = await app.http('POST', '/bots', { name: 'x', type: 'dca', exchange: 'paper', symbol: 'BTC/USDT', dca: { baseOrderSize: 50 } });
    expect(response.status).toBe(400);
    expect(response.body.fields.map((f: { field: string }) => f.field)).toContain('conditions');
  });
});
