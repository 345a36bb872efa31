import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { MarketDataSource } from '../../src/market-data/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { routeTrigger, settleDeals } from '../support/deal-flow.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const T0 = Date.UTC(2024, 0, 1, 12);
const QUARTER = 15 * 60_000;
const HOUR = 3_600_000;
const SYMBOL = 'BTC/USDT';
const UNKNOWN_ID = '00000000-0000-4000-8000-0000000000ff';

/** Realized PnL from a deal's fills alone, with DealsService.applyFill's formula. */
function pnlOfFills(direction: string, fills: { leg: string; amount: number; price: number; fee: number }[]): number {
  const entries = fills.filter((f) => f.leg === 'base' || f.leg === 'safety');
  const exits = fills.filter((f) => f.leg === 'take_profit' || f.leg === 'close');
  const sum = (rows: typeof fills, pick: (f: (typeof fills)[number]) => number) => rows.reduce((total, f) => total + pick(f), 0);
  const [entryAmount, exitAmount] = [sum(entries, (f) => f.amount), sum(exits, (f) => f.amount)];
  if (exitAmount === 0) return 0;
  const average = sum(entries, (f) => f.amount * f.price) / entryAmount;
  const sign = direction === 'long' ? 1 : -1;
  return sign * (sum(exits, (f) => f.amount * f.price) - average * exitAmount) - sum(exits, (f) => f.fee) - (sum(entries, (f) => f.fee) * exitAmount) / entryAmount;
}

describe('deals and bot stats over HTTP', () => {
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;
  const clock = new ManualClock(T0);
  const bots: Record<'tp' | 'manual', any> = {} as never;
  const deals: Record<'tpClosed' | 'tpOpen' | 'manualClosed' | 'manualCanceled' | 'manualOpen', string> = {} as never;

  beforeAll(async () => {
    database = await createTestDatabase('deals_api');
    app = await startTestApp({ DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'simulated', PAPER_BALANCES: 'USDT=100000' }, clock);
    db = await connect(database.url);
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
  });

  async function createBot(name: string, dca: object, value: number): Promise<any> {
    const response = await app.http('POST', '/bots', {
      name, type: 'dca', exchange: 'paper', symbol: SYMBOL, conditions: [{ timeframe: '15m', indicator: 'rsi', operator: 'lt', value }], dca,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body;
  }

  const status = async (dealId: string) => (await db.query(`SELECT status FROM deals WHERE id = $1`, [dealId])).rows[0].status;
  const get = async (path: string) => {
    const response = await app.http('GET', path);
    expect(response.status, `${path}: ${JSON.stringify(response.body)}`).toBe(200);
    return response.body;
  };

  it('produces deals: one closed by its take profit, one closed by hand, one canceled, two open', async () => {
    bots.tp = await createBot('tp', { baseOrderSize: 100, safetyOrderSize: 100, maxSafetyOrders: 2, priceDeviation: 0.5, takeProfit: 0.3 }, 31);
    bots.manual = await createBot('manual', { baseOrderSize: 50, stopLoss: 50 }, 32);

    deals.tpClosed = await routeTrigger(app, db, bots.tp, clock);
    for (let hours = 0; hours < 14 * 24 && (await status(deals.tpClosed)) === 'open'; hours++) {
      clock.advance(HOUR);
      await settleDeals(app);
    }
    expect(await status(deals.tpClosed)).toBe('closed');

    clock.advance(HOUR);
    deals.manualClosed = await routeTrigger(app, db, bots.manual, clock);
    clock.advance(2 * HOUR);
    expect((await app.http('POST', `/deals/${deals.manualClosed}/close`, {})).status).toBe(202);
    await settleDeals(app);
    expect(await status(deals.manualClosed)).toBe('closed');

    clock.advance(HOUR);
    deals.manualCanceled = await routeTrigger(app, db, bots.manual, clock);
    expect((await app.http('POST', `/deals/${deals.manualCanceled}/cancel`)).status).toBe(200);

    clock.advance(HOUR);
    deals.tpOpen = await routeTrigger(app, db, bots.tp, clock);
    clock.advance(QUARTER);
    deals.manualOpen = await routeTrigger(app, db, bots.manual, clock);
    clock.advance(HOUR);
    await settleDeals(app);
  }, 240_000);

  it('lists deals newest first, filtered by bot and status, page by page', async () => {
    const all = await get('/deals');
    expect(all.items.map((d: any) => d.id)).toEqual([deals.manualOpen, deals.tpOpen, deals.manualCanceled, deals.manualClosed, deals.tpClosed]);
    expect(all.nextCursor).toBeNull();

    expect((await get(`/deals?botId=${bots.tp.id}`)).items.map((d: any) => d.id)).toEqual([deals.tpOpen, deals.tpClosed]);
    expect((await get('/deals?status=closed')).items.map((d: any) => d.id)).toEqual([deals.manualClosed, deals.tpClosed]);
    expect((await get(`/deals?botId=${bots.manual.id}&status=open`)).items.map((d: any) => d.id)).toEqual([deals.manualOpen]);
    expect((await get('/deals?status=canceled')).items.map((d: any) => d.id)).toEqual([deals.manualCanceled]);
    expect((await get(`/deals?botId=${UNKNOWN_ID}`)).items).toEqual([]);

    const first = await get(`/deals?botId=${bots.manual.id}&limit=2`);
    expect(first.items.map((d: any) => d.id)).toEqual([deals.manualOpen, deals.manualCanceled]);
    expect(first.nextCursor).toBe(deals.manualCanceled);
    const second = await get(`/deals?botId=${bots.manual.id}&limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((d: any) => d.id)).toEqual([deals.manualClosed]);
    expect(second.nextCursor).toBeNull();
  });

  it('shows each deal\'s state, entry, PnL and close reason', async () => {
    const byId = new Map((await get('/deals')).items.map((d: any) => [d.id, d]));
    const tpClosed: any = byId.get(deals.tpClosed);
    expect(tpClosed).toMatchObject({
      botId: bots.tp.id, exchangeAccountId: bots.tp.exchangeAccountId, symbol: SYMBOL, status: 'closed', phase: 'done', direction: 'long',
      closeReason: 'take_profit', lastError: null, unrealizedPnl: null, lastPrice: null, amount: expect.any(Number),
    });
    expect(tpClosed.amount).toBeLessThan(0.0001);
    expect(tpClosed.realizedPnl).toBeGreaterThan(0);
    expect(tpClosed.invested).toBeGreaterThanOrEqual(99);
    expect(tpClosed.durationSeconds).toBe((Date.parse(tpClosed.closedAt) - Date.parse(tpClosed.openedAt)) / 1000);
    expect(tpClosed.takeProfitPrice).toBeGreaterThan(tpClosed.averageEntry);

    expect(byId.get(deals.manualClosed)).toMatchObject({ status: 'closed', closeReason: 'manual', safetyOrdersFilled: 0, takeProfitPrice: null });
    expect(byId.get(deals.manualCanceled)).toMatchObject({ status: 'canceled', closeReason: 'manual_cancel', realizedPnl: 0, unrealizedPnl: null });

    const open: any = byId.get(deals.manualOpen);
    const last = (await app.get(MarketDataSource).lastPrice('paper', SYMBOL, clock.now()))!;
    expect(open).toMatchObject({ status: 'open', phase: 'active', closedAt: null, closeReason: null, realizedPnl: 0, lastPrice: last });
    expect(open.durationSeconds).toBe((clock.now() - Date.parse(open.openedAt)) / 1000);
    // Every fee so far is an entry fee of the open position.
    expect(open.unrealizedPnl).toBeCloseTo((last - open.averageEntry) * open.amount - open.fees, 8);
    expect(open.stopLossPrice).toBeCloseTo(open.averageEntry * 0.5, 6);
    expect(open.averageEntry).toBeCloseTo(open.invested / open.amount, 6);
  });

  it('gives a deal\'s timeline, orders and fills, and its PnL recomputed from the fills is the one reported', async () => {
    for (const id of [deals.tpClosed, deals.manualClosed, deals.tpOpen]) {
      const deal = await get(`/deals/${id}`);
      expect(deal.id).toBe(id);
      const times = deal.timeline.map((e: any) => Date.parse(e.at));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(deal.timeline[0]).toMatchObject({ type: 'opened', reason: expect.stringMatching(/^trigger /), data: { baseOrderId: expect.any(String) } });
      expect(deal.timeline.map((e: any) => e.type)).toContain('base_filled');
      expect(deal.orders.every((o: any) => o.dealId === id && o.botId === deal.botId)).toBe(true);
      expect(deal.orders[0]).toMatchObject({ leg: 'base', legIndex: 0, status: 'filled' });
      const orderIds = new Set(deal.orders.map((o: any) => o.id));
      expect(deal.fills.length).toBeGreaterThan(0);
      for (const fill of deal.fills) {
        expect(orderIds.has(fill.orderId)).toBe(true);
        expect(fill.leg).toBe(deal.orders.find((o: any) => o.id === fill.orderId).leg);
        expect(fill.amount).toBeGreaterThan(0);
      }
      // Each order's fills add up to what the order says it filled.
      for (const order of deal.orders) {
        const filled = deal.fills.filter((f: any) => f.orderId === order.id).reduce((sum: number, f: any) => sum + f.amount, 0);
        expect(filled).toBeCloseTo(order.filled, 10);
      }
      expect(deal.realizedPnl).toBeCloseTo(pnlOfFills(deal.direction, deal.fills), 8);
    }
    const tpClosed = await get(`/deals/${deals.tpClosed}`);
    expect(tpClosed.timeline.at(-1)).toMatchObject({ type: 'closed', reason: 'take_profit' });
    expect(tpClosed.orders.map((o: any) => o.leg)).toContain('take_profit');
    const manualClosed = await get(`/deals/${deals.manualClosed}`);
    expect(manualClosed.timeline.map((e: any) => e.type)).toEqual(expect.arrayContaining(['close_requested', 'closed']));
    expect(manualClosed.orders.map((o: any) => o.leg)).toEqual(['base', 'close']);
    const tpOpen = await get(`/deals/${deals.tpOpen}`);
    expect(tpOpen.orders.filter((o: any) => o.leg === 'safety' && o.status === 'open').length).toBeGreaterThan(0);
    expect(tpOpen.takeProfitPrice).toBe(tpOpen.orders.filter((o: any) => o.leg === 'take_profit').at(-1).price);
  });

  it('sums a bot\'s results, and its PnL from the fills table equals its reported realized PnL', async () => {
    for (const bot of [bots.tp, bots.manual]) {
      const list = (await get(`/deals?botId=${bot.id}`)).items;
      const stats = await get(`/bots/${bot.id}/stats`);
      const closed = list.filter((d: any) => d.status === 'closed');
      const open = list.filter((d: any) => d.status === 'open');
      const sum = (rows: any[], pick: (d: any) => number) => rows.reduce((total, d) => total + pick(d), 0);
      expect(stats).toMatchObject({
        botId: bot.id,
        asOf: new Date(clock.now()).toISOString(),
        deals: { total: list.length, open: open.length, closed: closed.length, canceled: list.length - open.length - closed.length },
        wins: closed.filter((d: any) => d.realizedPnl > 0).length,
      });
      expect(stats.realizedPnl).toBeCloseTo(sum(list, (d) => d.realizedPnl), 8);
      expect(stats.pnlFromFills).toBeCloseTo(stats.realizedPnl, 8);
      expect(stats.realizedPnl).not.toBe(0);
      expect(stats.fees).toBeCloseTo(sum(list, (d) => d.fees), 8);
      expect(stats.unrealizedPnl).toBeCloseTo(sum(open, (d) => d.unrealizedPnl), 8);
      expect(stats.winRate).toBeCloseTo((100 * stats.wins) / closed.length, 8);
      const durations = closed.map((d: any) => d.durationSeconds);
      expect(stats.durationSeconds).toEqual({
        average: Math.round(sum(durations, (s) => s) / durations.length), min: Math.min(...durations), max: Math.max(...durations),
      });
      const worst = [...open].sort((a, b) => a.unrealizedPnl - b.unrealizedPnl)[0];
      expect(stats.maxDrawdown).toEqual(worst.unrealizedPnl < 0
        ? { amount: worst.unrealizedPnl, percent: expect.closeTo((100 * worst.unrealizedPnl) / worst.invested, 8), dealId: worst.id }
        : { amount: 0, percent: 0, dealId: null });
    }
    expect((await get(`/bots/${bots.tp.id}/stats`)).winRate).toBe(100);
  });

  it('recomputes PnL from the fills in the database, deal by deal, as the stats do', async () => {
    for (const id of Object.values(deals)) {
      const [deal] = (await db.query(`SELECT direction, realized_pnl FROM deals WHERE id = $1`, [id])).rows;
      const fills = (await db.query(`SELECT o.leg, f.amount, f.price, f.fee FROM fills f JOIN orders o ON o.id = f.order_id WHERE o.deal_id = $1`, [id])).rows
        .map((r) => ({ leg: r.leg, amount: Number(r.amount), price: Number(r.price), fee: Number(r.fee) }));
      expect(Number(deal.realized_pnl)).toBeCloseTo(pnlOfFills(deal.direction, fills), 8);
    }
  });

  it('answers 404 for unknown deals and bots, 400 for bad ids and filters', async () => {
    const notFound = await app.http('GET', `/deals/${UNKNOWN_ID}`);
    expect(notFound.status).toBe(404);
    expect(notFound.body).toMatchObject({ error: 'DEAL_NOT_FOUND' });
    const noBot = await app.http('GET', `/bots/${UNKNOWN_ID}/stats`);
    expect(noBot.status).toBe(404);
    expect(noBot.body).toMatchObject({ error: 'BOT_NOT_FOUND' });
    for (const [path, field] of [
      ['/deals/not-a-uuid', 'id'],
      ['/bots/not-a-uuid/stats', 'id'],
      ['/deals?status=won', 'status'],
      ['/deals?botId=abc', 'botId'],
      ['/deals?limit=0', 'limit'],
      ['/deals?limit=abc', 'limit'],
      ['/deals?cursor=abc', 'cursor'],
      [`/deals?cursor=${UNKNOWN_ID}`, 'cursor'],
      ['/deals?sort=asc', 'sort'],
    ]) {
      const response = await app.http('GET', path);
      expect(response.status, path).toBe(400);
      expect(response.body.fields.map((f: any) => f.field), path).toContain(field);
    }
  });
});
