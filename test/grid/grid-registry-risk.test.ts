import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'pg';
import { ManualClock } from '../../src/clock/index.js';
import type { TriggerFiredV1 } from '../../src/event-bus/index.js';
import { ExecutorTicker } from '../../src/executors/index.js';
import { TriggerRouter } from '../../src/notifier/index.js';
import { OrderReconciler } from '../../src/trading/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { BINANCE_1M } from '../support/reference-market.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const MINUTE = 60_000;
/** 2023-03-01 01:00, BTC about 23 140. */
const T0 = Date.UTC(2023, 2, 1, 1);
const RANGE = { lowerPrice: 22900, upperPrice: 23900, gridLines: 11, investment: 1000 };
const grid = (name: string, patch: object = {}, top: object = {}) => ({ name, type: 'grid', exchange: 'paper', symbol: 'BTC/USDT', grid: { ...RANGE, ...patch }, ...top });

describe('grid bots in the shared registry, under the account\'s risk limits, and in the preview', () => {
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;
  const clock = new ManualClock(T0);

  beforeAll(async () => {
    database = await createTestDatabase('grid_registry');
    app = await startTestApp({ DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'csv', MARKET_DATA_CSV: `BTC/USDT@1m=${BINANCE_1M}`, PAPER_SLIPPAGE: '0' }, clock);
    db = await connect(database.url);
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
  });

  const count = async (sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows[0].n as number;

  async function tick(): Promise<void> {
    await app.get(OrderReconciler).runOnce();
    await app.get(ExecutorTicker).tick();
    await app.get(ExecutorTicker).settle();
  }

  it('shares the four range conditions between grids on the same range, whatever their other settings', async () => {
    const a = await app.http('POST', '/bots', grid('a', {}, { start: false }));
    const b = await app.http('POST', '/bots', grid('b', { spacing: 'geometric', investment: 500, trailingUp: true }, { start: false }));
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(b.status, JSON.stringify(b.body)).toBe(201);
    expect(await count(`SELECT count(*)::int AS n FROM conditions`)).toBe(4);
    expect(await count(`SELECT count(*)::int AS n FROM subscriptions WHERE role LIKE 'range%'`)).toBe(8);
    const keys = (bot: any) => Object.fromEntries(bot.conditions.map((c: any) => [c.role, c.key]));
    expect(keys(a.body)).toEqual({
      range_below: 'paper:BTC/USDT:1m|price() lt 22900',
      range_above: 'paper:BTC/USDT:1m|price() gt 23900',
      range_back_from_below: 'paper:BTC/USDT:1m|price() gte 22900',
      range_back_from_above: 'paper:BTC/USDT:1m|price() lte 23900',
    });
    expect(keys(b.body)).toEqual(keys(a.body));
    const shared = a.body.conditions[0].id;
    expect((await app.http('GET', `/conditions/${shared}`)).body.subscribers).toBe(2);

    const other = await app.http('POST', '/bots', grid('c', { lowerPrice: 22000 }, { start: false }));
    expect(other.status).toBe(201);
    // A new lower edge adds its two conditions; the upper edge's two are shared.
    expect(await count(`SELECT count(*)::int AS n FROM conditions`)).toBe(6);
    for (const bot of [a, b, other]) expect((await app.http('DELETE', `/bots/${bot.body.id}`)).status).toBe(204);
  });

  it('refuses a grid start, by trigger or at once, while the account\'s max open deals are taken by a DCA deal', async () => {
    const account = await app.http('POST', '/exchange-accounts', { exchange: 'paper', label: 'grid risk', balances: { USDT: 100_000 } });
    expect(account.status, JSON.stringify(account.body)).toBe(201);
    const exchangeAccountId = account.body.id;
    expect((await app.http('PUT', `/exchange-accounts/${exchangeAccountId}/risk`, { maxOpenDeals: 1 })).status).toBe(200);
    const dca = await app.http('POST', '/bots', { name: 'dca', type: 'dca', exchange: 'paper', exchangeAccountId, symbol: 'BTC/USDT', dca: { baseOrderSize: 100, startAsap: true } });
    expect(dca.status, JSON.stringify(dca.body)).toBe(201);
    clock.advance(MINUTE);
    await tick();
    const [dcaDeal] = (await db.query(`SELECT id, status FROM deals WHERE bot_id = $1`, [dca.body.id])).rows;
    expect(dcaDeal.status).toBe('open');

    const entry = [{ timeframe: '15m', indicator: 'rsi', operator: 'lt', value: 30 }];
    const onCondition = await app.http('POST', '/bots', grid('on rsi', {}, { exchangeAccountId, conditions: entry }));
    const atOnce = await app.http('POST', '/bots', grid('at once', { startImmediately: true }, { exchangeAccountId, conditions: entry }));
    expect(onCondition.status, JSON.stringify(onCondition.body)).toBe(201);
    expect(atOnce.status).toBe(201);
    const conditionId = onCondition.body.conditions.find((c: any) => c.role === 'entry').id;
    const trigger: TriggerFiredV1 = {
      triggerId: randomUUID(), conditionId, conditionKey: 'k', candleOpenTime: clock.now() - 15 * MINUTE, candleCloseTime: clock.now(), values: { lhs: 25, rhs: 30, close: 23150 },
    };
    await db.query(`INSERT INTO triggers (id, condition_id, candle_open_time, candle_close_time, "values") VALUES ($1, $2, $3, $4, $5)`, [
      trigger.triggerId, conditionId, new Date(trigger.candleOpenTime), new Date(trigger.candleCloseTime), trigger.values,
    ]);
    await app.get(TriggerRouter).route(trigger);
    // Both grids start on that condition (one of them would also start at once): both deliveries are refused.
    const deliveries = (await db.query(`SELECT bot_id, role, outcome, reason FROM deliveries WHERE trigger_id = $1`, [trigger.triggerId])).rows;
    const refusal = { role: 'entry', outcome: 'refused', reason: expect.stringMatching(/^risk:max_open_deals: 1 deal\(s\) open/) };
    expect(deliveries).toHaveLength(2);
    expect(deliveries).toEqual(expect.arrayContaining([{ bot_id: onCondition.body.id, ...refusal }, { bot_id: atOnce.body.id, ...refusal }]));
    clock.advance(MINUTE);
    await tick();
    const gridBots = [onCondition.body.id, atOnce.body.id];
    expect(await count(`SELECT count(*)::int AS n FROM deals WHERE bot_id = ANY($1::uuid[])`, [gridBots])).toBe(0);

    // Once the DCA deal is gone (and its bot stopped, so that it opens no other), the grid that starts at once does.
    expect((await app.http('POST', `/bots/${dca.body.id}/stop`)).status).toBe(200);
    expect((await app.http('POST', `/deals/${dcaDeal.id}/cancel`)).status).toBe(200);
    clock.advance(MINUTE);
    await tick();
    const started = (await db.query(`SELECT status, phase FROM deals WHERE bot_id = $1`, [atOnce.body.id])).rows;
    expect(started).toEqual([{ status: 'open', phase: 'active' }]);
    const view = (await app.http('GET', `/bots/${atOnce.body.id}/grid`)).body;
    expect(view.lines.map((l: any) => l.state)).toEqual(['buy', 'buy', 'empty', 'sell', 'sell', 'sell', 'sell', 'sell', 'sell', 'sell', 'sell']);

    // Editing the bot's range lays its grid out again: the old orders canceled, the new ones placed, the range moved.
    await db.query(`UPDATE bots SET settings = settings || '{"lowerPrice": 22500, "upperPrice": 24500, "gridLines": 6}'::jsonb WHERE id = $1`, [atOnce.body.id]);
    clock.advance(MINUTE);
    await tick();
    const moved = (await app.http('GET', `/bots/${atOnce.body.id}/grid`)).body;
    expect(moved.grid).toMatchObject({ generation: 1, phase: 'running', lowerPrice: 22500, upperPrice: 24500, lineCount: 6 });
    expect(moved.lines.map((l: any) => [l.price, l.state])).toEqual([[22500, 'buy'], [22900, 'buy'], [23300, 'empty'], [23700, 'sell'], [24100, 'sell'], [24500, 'sell']]);
    const openOnExchange = await count(`SELECT count(*)::int AS n FROM paper_orders WHERE exchange_account_id = $1 AND status IN ('open', 'partially_filled')`, [exchangeAccountId]);
    const live = (await db.query(`SELECT leg_index, price FROM orders WHERE bot_id = $1 AND status IN ('pending', 'open', 'partially_filled') ORDER BY leg_index`, [atOnce.body.id])).rows;
    expect(live.map((o) => Number(o.price))).toEqual([22500, 22900, 23700, 24100, 24500]);
    expect(openOnExchange).toBe(5);
    const keys = (await app.http('GET', `/bots/${atOnce.body.id}`)).body.conditions.filter((c: any) => c.role !== 'entry').map((c: any) => c.key).sort();
    expect(keys).toEqual(['paper:BTC/USDT:1m|price() gt 24500', 'paper:BTC/USDT:1m|price() gte 22500', 'paper:BTC/USDT:1m|price() lt 22500', 'paper:BTC/USDT:1m|price() lte 24500']);
  });

  it('does not start a grid the account cannot fund, rather than have its orders refused on every tick', async () => {
    const account = await app.http('POST', '/exchange-accounts', { exchange: 'paper', label: 'poor', balances: { USDT: 300 } });
    const exchangeAccountId = account.body.id;
    const bot = await app.http('POST', '/bots', grid('poor', {}, { exchangeAccountId }));
    expect(bot.status, JSON.stringify(bot.body)).toBe(201);
    for (let i = 0; i < 3; i++) {
      clock.advance(MINUTE);
      await tick();
    }
    expect(await count(`SELECT count(*)::int AS n FROM deals WHERE bot_id = $1`, [bot.body.id])).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM paper_orders WHERE exchange_account_id = $1`, [exchangeAccountId])).toBe(0);
    expect((await app.http('DELETE', `/bots/${bot.body.id}`)).status).toBe(204);
  });

  it('previews a grid: its lines, amount per line, profit per grid after fees, and the lines below the minimums', async () => {
    const response = await app.http('POST', '/bots/preview', { ...grid('preview'), price: 23140 });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const preview = response.body;
    expect(preview.amountPerLine).toBe(0.00428);
    expect(preview.lines).toHaveLength(11);
    expect(preview.lines[0]).toEqual({ index: 0, price: 22900, side: 'buy', amount: 0.00428 });
    expect(preview.lines[2]).toEqual({ index: 2, price: 23100, side: 'none', amount: 0 });
    expect(preview.lines[10]).toEqual({ index: 10, price: 23900, side: 'sell', amount: 0.00428 });
    expect(preview.profitPerGrid.minQuote).toBeCloseTo(0.428 - 0.001 * 0.00428 * (23800 + 23900), 8);
    expect(preview.profitPerGrid.maxQuote).toBeCloseTo(0.428 - 0.001 * 0.00428 * (22900 + 23000), 8);
    expect(preview.problems).toEqual([]);

    const small = await app.http('POST', '/bots/preview', { ...grid('small', { investment: undefined, amountPerLine: 0.0002 }), price: 23140 });
    expect(small.status).toBe(200);
    expect(small.body.problems.map((p: any) => [p.line, p.problem])).toEqual(Array.from({ length: 11 }, (_, line) => [line, 'below_min_cost']));
    const refused = await app.http('POST', '/bots', grid('small', { investment: undefined, amountPerLine: 0.0002 }));
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('GRID_INVALID');
  });

  it('validates the grid settings, naming each field', async () => {
    const fields = async (patch: object) => {
      const response = await app.http('POST', '/bots', grid('bad', patch));
      expect(response.status).toBe(400);
      return [...new Set(response.body.fields.map((f: { field: string }) => f.field))];
    };
    expect(await fields({ upperPrice: 22000 })).toEqual(['grid.upperPrice']);
    expect(await fields({ gridLines: 1 })).toEqual(['grid.gridLines']);
    expect(await fields({ gridLines: 201 })).toEqual(['grid.gridLines']);
    expect(await fields({ investment: undefined })).toEqual(['grid.investment']);
    expect(await fields({ amountPerLine: 0.001 })).toEqual(['grid.investment']);
    expect(await fields({ spacing: 'log' })).toEqual(['grid.spacing']);
    expect(await fields({ stopLossPrice: 23000 })).toEqual(['grid.stopLossPrice']);
    expect(await fields({ takeProfitPrice: 23800 })).toEqual(['grid.takeProfitPrice']);
  });
});
