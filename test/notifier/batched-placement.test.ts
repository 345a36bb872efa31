import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Client } from 'pg';
import { DataSource } from 'typeorm';
import { selectEntities } from '../../src/common/entity-rows.js';
import { ManualClock } from '../../src/clock/index.js';
import type { TriggerFiredV1 } from '../../src/event-bus/index.js';
import { ExecutorTicker } from '../../src/executors/index.js';
import { TriggerRouter } from '../../src/notifier/index.js';
import { DealEntity, OrderEntity, OrderPlacer } from '../../src/trading/index.js';
import { OrderRecorder } from '../../src/trading/order-recorder.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const QUARTER = 15 * 60_000;
const T0 = Date.UTC(2024, 0, 4, 9);

/**
 * A routing chunk's orders go to the paper exchange together (one claim, one placement transaction, one recording,
 * the deals brought up to date together). Whatever was written must be what sending the same orders one at a time
 * writes: same balances, orders, fills and deals, to the last digit of every numeric.
 */
describe('batched placement writes what one order at a time writes', () => {
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;
  let nextRsi = 40;

  beforeAll(async () => {
    database = await createTestDatabase('batched_placement');
    app = await startTestApp({ DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'simulated' }, new ManualClock(T0));
    db = await connect(database.url);
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
  });

  async function settle(): Promise<void> {
    await app.get(OrderPlacer).idle();
    await app.get(ExecutorTicker).settle();
  }

  /** A paper account with DCA bots of these base order sizes on one new condition, and a trigger of it routed. */
  async function routeTo(sizes: number[], usdt: number, placement: 'together' | 'one by one'): Promise<{ account: string; botIds: string[] }> {
    const account = (await app.http('POST', '/exchange-accounts', { exchange: 'paper', label: placement, balances: { USDT: usdt } })).body.id;
    const condition = { timeframe: '15m', indicator: 'rsi', operator: 'lt', value: nextRsi++ };
    const botIds: string[] = [];
    let conditionId = '';
    for (const baseOrderSize of sizes) {
      const response = await app.http('POST', '/bots', { name: 'p', type: 'dca', exchange: 'paper', exchangeAccountId: account, symbol: 'ETH/USDT', conditions: [condition], dca: { baseOrderSize } });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      botIds.push(response.body.id);
      conditionId = response.body.conditions[0].id;
    }
    const trigger: TriggerFiredV1 = { triggerId: randomUUID(), conditionId, conditionKey: 'k', candleOpenTime: T0, candleCloseTime: T0 + QUARTER, values: { lhs: 1, rhs: 2, close: 100 } };
    await db.query(`INSERT INTO triggers (id, condition_id, candle_open_time, candle_close_time, "values") VALUES ($1, $2, $3, $4, $5)`, [
      trigger.triggerId, conditionId, new Date(T0), new Date(T0 + QUARTER), trigger.values,
    ]);
    const placer = app.get(OrderPlacer);
    if (placement === 'together') {
      const recordMany = vi.spyOn(app.get(OrderRecorder), 'recordMany');
      await app.get(TriggerRouter).route(trigger);
      await settle();
      // The batch path was taken: the exchange's answers (the orders it did not refuse) were recorded in one call.
      expect(recordMany).toHaveBeenCalledTimes(1);
      recordMany.mockRestore();
    } else {
      const submit = vi.spyOn(placer, 'submit').mockResolvedValue(undefined);
      await app.get(TriggerRouter).route(trigger);
      submit.mockRestore();
      const orders = await db.query(`SELECT o.id FROM orders o JOIN bots b ON b.id = o.bot_id WHERE o.trigger_id = $1 ORDER BY b.created_at, b.id`, [trigger.triggerId]);
      for (const { id } of orders.rows) await placer.submit([id]);
    }
    await settle();
    return { account, botIds };
  }

  /** Everything placement wrote for the account, numerics as Postgres's text, ids left out; bots in creation order. */
  async function written(account: string, botIds: string[]) {
    const rows = async (sql: string) => (await db.query(sql, [account])).rows;
    const byBot = async (sql: string) => Promise.all(botIds.map(async (id) => (await db.query(sql, [id])).rows));
    return {
      balances: await rows(`SELECT asset, free::text, used::text FROM paper_balances WHERE exchange_account_id = $1 ORDER BY asset`),
      deals: await byBot(
        `SELECT status, phase, close_reason, amount::text, cost::text, average_entry::text, fees::text, realized_pnl::text, entry_amount::text,
                entry_value::text, entry_fees::text, exit_amount::text, base_price::text, last_error FROM deals WHERE bot_id = $1`,
      ),
      orders: await byBot(
        `SELECT status, type, side, leg, price::text, amount::text, quote_amount::text, filled::text, average::text, fee::text, fee_currency, attempts, error
         FROM orders WHERE bot_id = $1 ORDER BY created_at`,
      ),
      fills: await byBot(`SELECT f.amount::text, f.price::text, f.fee::text, f.fee_currency FROM fills f JOIN orders o ON o.id = f.order_id WHERE o.bot_id = $1`),
      paper: await byBot(
        `SELECT p.symbol, p.side, p.type, p.price::text, p.amount::text, p.filled::text, p.average::text, p.fee::text, p.status, p.reserved::text,
                (SELECT json_agg(json_build_object('amount', f.amount::text, 'price', f.price::text, 'fee', f.fee::text, 'liquidity', f.liquidity)) FROM paper_fills f WHERE f.order_id = p.id) AS fills
         FROM paper_orders p JOIN orders o ON o.client_order_id = p.client_order_id WHERE o.bot_id = $1`,
      ),
      // The `opened` event names the trigger, each account's own.
      events: await byBot(`SELECT e.type, regexp_replace(e.reason, '[0-9a-f-]{36}', '<id>') AS reason FROM deal_events e JOIN deals d ON d.id = e.deal_id WHERE d.bot_id = $1 ORDER BY e.id`),
    };
  }

  it('fills a chunk of market orders with the same balances, fills and deals', async () => {
    const sizes = [10, 12.5, 33.3, 7.77, 50, 21.1, 15, 9.99, 100.01, 6.05];
    const together = await routeTo(sizes, 10_000, 'together');
    const oneByOne = await routeTo(sizes, 10_000, 'one by one');
    const a = await written(together.account, together.botIds);
    const b = await written(oneByOne.account, oneByOne.botIds);
    expect(a.orders.flat().map((o) => o.status)).toEqual(Array(sizes.length).fill('filled'));
    expect(a.orders.flat().every((o) => o.attempts === 1)).toBe(true);
    expect(a.deals.flat().map((d) => d.phase)).toEqual(Array(sizes.length).fill('active'));
    expect(a.events.flat().map((e) => e.type)).toEqual(sizes.flatMap(() => ['opened', 'base_filled']));
    expect(a).toEqual(b);
  });

  it('places the orders one by one when the funds do not cover them all, refusing the same ones', async () => {
    const sizes = [40, 40, 40, 40];
    const together = await routeTo(sizes, 100, 'together');
    const oneByOne = await routeTo(sizes, 100, 'one by one');
    const a = await written(together.account, together.botIds);
    expect(a.orders.flat().map((o) => o.status)).toEqual(['filled', 'filled', 'rejected', 'rejected']);
    expect(a.orders.flat()[2].error).toMatch(/^insufficient_funds: /);
    expect(a.deals.flat().map((d) => d.status)).toEqual(['open', 'open', 'canceled', 'canceled']);
    expect(a.deals.flat()[3].close_reason).toMatch(/^order rejected: insufficient_funds/);
    expect(a).toEqual(await written(oneByOne.account, oneByOne.botIds));
  });

  // The batch paths read orders and deals with plain SQL (selectEntities); what they get must be what find() builds.
  it('reads the orders and deals written above as TypeORM builds them', async () => {
    const manager = app.get(DataSource).manager;
    const orders = await selectEntities(manager, OrderEntity, 'o', (columns) => `SELECT ${columns} FROM orders o ORDER BY o.id`, []);
    const deals = await selectEntities(manager, DealEntity, 'd', (columns) => `SELECT ${columns} FROM deals d ORDER BY d.id`, []);
    expect(new Set(orders.map((o) => o.status))).toEqual(new Set(['filled', 'rejected']));
    expect(orders).toEqual(await manager.find(OrderEntity, { order: { id: 'ASC' } }));
    expect(orders.every((o) => o instanceof OrderEntity)).toBe(true);
    expect(deals).toEqual(await manager.find(DealEntity, { order: { id: 'ASC' } }));
    expect(deals.every((d) => d instanceof DealEntity)).toBe(true);
  });
});
