import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'pg';
import { ManualClock } from '../../src/clock/index.js';
import { EvaluationService } from '../../src/evaluator/index.js';
import { DEFAULT_PAPER_ACCOUNT_ID } from '../../src/exchange/index.js';
import { ExecutorTicker } from '../../src/executors/index.js';
import { OrderReconciler } from '../../src/trading/index.js';
import { appEnv, ORIGIN, settle, startTestApp } from '../flow/seed-scenario.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { readBinance1m } from '../support/reference-market.js';
import { deleteKeysUnder, REDIS_URL, uniqueKeyPrefix } from '../support/redis.js';
import type { TestApp } from '../support/test-app.js';

const MINUTE = 60_000;
const STEP = 15 * MINUTE;
const START = ORIGIN + 30 * MINUTE;
/** 2023-03-03 12:00: BTC ranges 23 000–24 000 on the 1st and 2nd, then falls to about 22 000 at 01:00 on the 3rd. */
const END = ORIGIN + 60 * 60 * MINUTE;

const RANGE = { lowerPrice: 22900, upperPrice: 23900, gridLines: 11, investment: 1000 };
const BOTS = {
  plain: { ...RANGE },
  trailing: { ...RANGE, spacing: 'geometric', trailingDown: true },
  stopLoss: { ...RANGE, investment: 500, stopLossPrice: 22600 },
  takeProfit: { ...RANGE, upperPrice: 23700, gridLines: 9, investment: 500, takeProfitPrice: 23850 },
};

interface OrderRow {
  id: string; leg: string; leg_index: number; side: string; type: string; price: string | null; amount: string; filled: string; status: string; created_at: Date;
}

/** The slot an order works: a buy at line j and a sell at line j + 1 both belong to slot j. */
const slotOf = (order: OrderRow) => (order.side === 'buy' ? order.leg_index : order.leg_index - 1);

describe('grid bots over two and a half days of real candles, through the whole flow', () => {
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;
  const prefix = uniqueKeyPrefix('grid_flow');
  const clock = new ManualClock(START);
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    database = await createTestDatabase('grid_flow');
    app = await startTestApp({ ...appEnv(database.url, REDIS_URL, prefix), PAPER_BALANCES: 'USDT=100000' }, clock);
    db = await connect(database.url);
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
    await deleteKeysUnder(prefix);
  });

  async function step(): Promise<void> {
    await app.get(EvaluationService).tick();
    await settle(app, db);
    for (let round = 0; round < 3; round++) {
      await app.get(OrderReconciler).runOnce();
      await app.get(ExecutorTicker).tick();
      await app.get(ExecutorTicker).settle();
    }
  }

  const dealOf = async (botId: string) => (await db.query(`SELECT * FROM deals WHERE bot_id = $1 ORDER BY opened_at`, [botId])).rows;
  const ordersOf = async (dealId: string): Promise<OrderRow[]> =>
    (await db.query(`SELECT * FROM orders WHERE deal_id = $1 ORDER BY created_at, leg_index`, [dealId])).rows;

  it('mirrors every fill one line away, records each round trip\'s profit, records leaving the range, trails, and stops cleanly', async () => {
    for (const [name, grid] of Object.entries(BOTS)) {
      const created = await app.http('POST', '/bots', { name, type: 'grid', exchange: 'paper', symbol: 'BTC/USDT', grid });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.conditions.map((c: any) => c.role).sort()).toEqual(['range_above', 'range_back_from_above', 'range_back_from_below', 'range_below']);
      ids[name] = created.body.id;
    }
    for (let t = START + STEP; t <= END; t += STEP) {
      clock.set(t);
      await step();
    }

    // One grid deal per bot, started at once at the first tick: a market buy for the sells above the price.
    const [plain] = await dealOf(ids.plain);
    expect(plain).toMatchObject({ status: 'open', phase: 'active' });
    expect(plain.opened_at.getTime()).toBe(START + STEP);
    const orders = await ordersOf(plain.id);
    const [start] = orders;
    expect(start).toMatchObject({ leg: 'grid_buy', leg_index: -1, type: 'market', status: 'filled' });
    const lines = (await db.query(`SELECT line_index, price FROM grid_lines WHERE deal_id = $1 ORDER BY line_index`, [plain.id])).rows.map((r) => Number(r.price));
    expect(lines).toEqual([22900, 23000, 23100, 23200, 23300, 23400, 23500, 23600, 23700, 23800, 23900]);

    // Every slot's orders alternate: a filled buy at line k is followed by a sell of what it bought at line k + 1, and a
    // filled sell at line k by a buy at line k − 1; only a slot's last order may be unfinished.
    const limits = orders.filter((o) => o.type === 'limit');
    let mirrored = 0;
    for (let slot = 0; slot < 10; slot++) {
      const chain = limits.filter((o) => slotOf(o) === slot);
      expect(chain.length).toBeGreaterThan(0);
      chain.forEach((order, i) => {
        expect(Number(order.price)).toBe(lines[order.leg_index]);
        const next = chain[i + 1];
        if (!next) return;
        expect(order.status).toBe('filled');
        expect(next.side).not.toBe(order.side);
        if (order.side === 'buy') {
          expect(next.leg_index).toBe(order.leg_index + 1);
          expect(Number(next.amount)).toBe(Number(order.filled));
        } else {
          expect(next.leg_index).toBe(order.leg_index - 1);
        }
        mirrored++;
      });
    }
    expect(mirrored).toBeGreaterThan(20);
    expect(orders.filter((o) => o.status === 'filled' && o.type === 'limit').length).toBe(mirrored);

    // Round trips: one per filled limit sell, profit = (sell − buy) × amount − fees, recomputed from the fills.
    const trips = (await db.query(`SELECT * FROM grid_round_trips WHERE deal_id = $1 ORDER BY id`, [plain.id])).rows;
    const filledSells = orders.filter((o) => o.side === 'sell' && o.status === 'filled');
    expect(trips.map((t) => t.sell_order_id).sort()).toEqual(filledSells.map((o) => o.id).sort());
    expect(trips.length).toBeGreaterThan(10);
    for (const trip of trips) {
      const buyOrder = orders.find((o) => o.id === trip.buy_order_id)!;
      if (buyOrder.type === 'limit') {
        expect(Number(trip.sell_price) - Number(trip.buy_price)).toBeGreaterThanOrEqual(100 - 1e-9);
        expect(Number(trip.profit)).toBeGreaterThan(0);
      }
    }
    const allTrips = (await db.query(`SELECT * FROM grid_round_trips ORDER BY id`)).rows;
    for (const trip of allTrips) {
      const sell = await fillsOf(db, trip.sell_order_id);
      // A slot whose base was carried over a trailing move counts from the cost it was carried at, its fees paid before.
      const buy = trip.buy_order_id ? await fillsOf(db, trip.buy_order_id) : { amount: 1, value: Number(trip.buy_price), fee: 0 };
      const amount = Number(trip.amount);
      expect(amount).toBeCloseTo(sell.amount, 10);
      const expected = sell.value - (buy.value / buy.amount) * amount - sell.fee - buy.fee * (amount / buy.amount);
      expect(Number(trip.profit)).toBeCloseTo(expected, 8);
    }
    const view = (await app.http('GET', `/bots/${ids.plain}/grid`)).body;
    expect(view.roundTrips).toHaveLength(trips.length);
    expect(view.realizedProfit).toBeCloseTo(trips.reduce((sum, t) => sum + Number(t.profit), 0), 8);
    expect(view.lines).toHaveLength(11);
    expect(view.grid).toMatchObject({ phase: 'running', outOfRange: 'below', lowerPrice: 22900, upperPrice: 23900 });

    // Leaving the range below is recorded: every buy has filled, and the sells wait above.
    const left = (await db.query(`SELECT at, data FROM deal_events WHERE deal_id = $1 AND type = 'left_range'`, [plain.id])).rows;
    expect(left.length).toBeGreaterThan(0);
    expect(left.at(-1).data.side).toBe('below');
    expect(view.lines.filter((l: any) => l.state === 'sell')).toHaveLength(10);

    // The trailing grid moved down around the price, and its range conditions moved with it.
    const [trailing] = await dealOf(ids.trailing);
    const shifted = (await db.query(`SELECT data FROM deal_events WHERE deal_id = $1 AND type = 'grid_shifted'`, [trailing.id])).rows;
    expect(shifted.length).toBeGreaterThan(0);
    const trailView = (await app.http('GET', `/bots/${ids.trailing}/grid`)).body;
    expect(trailView.grid.generation).toBeGreaterThan(0);
    expect(trailView.grid.upperPrice).toBeLessThan(RANGE.lowerPrice);
    const trailBot = (await app.http('GET', `/bots/${ids.trailing}`)).body;
    const below = trailBot.conditions.find((c: any) => c.role === 'range_below');
    expect(below.key).toBe(`paper:BTC/USDT:1m|price() lt ${trailView.grid.lowerPrice}`);

    // Stop loss and take profit close the whole grid at market, and stop its bot.
    for (const [name, reason] of [['stopLoss', 'stop_loss'], ['takeProfit', 'take_profit']]) {
      const [deal] = await dealOf(ids[name]);
      expect(deal).toMatchObject({ status: 'closed', close_reason: reason });
      expect(Number(deal.amount)).toBeLessThan(0.00001);
      const closes = (await ordersOf(deal.id)).filter((o) => o.leg === 'close');
      // Above the range every sell has filled already: a take profit may find nothing left to sell.
      const sold = reason === 'stop_loss' ? [expect.objectContaining({ type: 'market', side: 'sell', status: 'filled' })] : closes.map(() => expect.objectContaining({ status: 'filled' }));
      expect(closes).toEqual(sold);
      expect(await count(db, `SELECT count(*)::int AS n FROM orders WHERE deal_id = $1 AND status IN ('pending', 'open', 'partially_filled')`, [deal.id])).toBe(0);
      expect((await app.http('GET', `/bots/${ids[name]}`)).body.status).toBe('stopped');
    }
    const [stopped] = await dealOf(ids.stopLoss);
    const firstBelow = readBinance1m().find((c) => c.openTime >= START && c.close <= 22600)!;
    expect(stopped.closed_at.getTime()).toBeGreaterThanOrEqual(firstBelow.openTime + MINUTE);

    // Stopping one bot and deleting the other leaves nothing open on the paper exchange.
    expect((await app.http('POST', `/bots/${ids.plain}/stop`)).status).toBe(200);
    expect((await app.http('DELETE', `/bots/${ids.trailing}`)).status).toBe(204);
    clock.set(END + STEP);
    await step();
    const open = await db.query(`SELECT count(*)::int AS n FROM paper_orders WHERE exchange_account_id = $1 AND status IN ('open', 'partially_filled')`, [DEFAULT_PAPER_ACCOUNT_ID]);
    expect(open.rows[0].n).toBe(0);
    const live = await db.query(`SELECT count(*)::int AS n FROM orders WHERE status IN ('pending', 'open', 'partially_filled')`);
    expect(live.rows[0].n).toBe(0);
    const ended = (await db.query(`SELECT status, close_reason FROM deals WHERE bot_id = ANY($1::uuid[]) ORDER BY opened_at`, [[ids.plain, ids.trailing]])).rows;
    expect(ended).toEqual([{ status: 'canceled', close_reason: 'bot_stopped' }, { status: 'canceled', close_reason: 'bot_stopped' }]);
    const negative = await db.query(`SELECT count(*)::int AS n FROM paper_balances WHERE free < 0 OR used < 0`);
    expect(negative.rows[0].n).toBe(0);
  }, 300_000);
});

async function count(db: Client, sql: string, params: unknown[]): Promise<number> {
  return (await db.query(sql, params)).rows[0].n;
}

async function fillsOf(db: Client, orderId: string): Promise<{ amount: number; value: number; fee: number }> {
  const { rows } = await db.query(`SELECT amount, price, fee FROM fills WHERE order_id = $1`, [orderId]);
  return rows.reduce((sum, r) => ({ amount: sum.amount + Number(r.amount), value: sum.value + Number(r.amount) * Number(r.price), fee: sum.fee + Number(r.fee) }), { amount: 0, value: 0, fee: 0 });
}
