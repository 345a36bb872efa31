import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'pg';
import { ManualClock } from '../../src/clock/index.js';
import type { TriggerFiredV1 } from '../../src/event-bus/index.js';
import { ExecutorTicker } from '../../src/executors/index.js';
import { TriggerRouter } from '../../src/notifier/index.js';
import { OrderPlacer } from '../../src/trading/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const QUARTER = 15 * MINUTE;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2024, 0, 3, 12);

describe('risk limits per exchange account, across all its bots', () => {
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;
  const clock = new ManualClock(T0);
  let nextRsi = 10;

  beforeAll(async () => {
    database = await createTestDatabase('risk');
    app = await startTestApp({ DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'simulated' }, clock);
    db = await connect(database.url);
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
  });

  async function paperAccount(): Promise<string> {
    const response = await app.http('POST', '/exchange-accounts', { exchange: 'paper', label: 'risk', balances: { USDT: 100_000 } });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.id;
  }

  /** A DCA bot on the account with an entry condition of its own, so each trigger reaches it alone. */
  async function createBot(exchangeAccountId: string, dca: object = {}): Promise<{ id: string; conditionId: string }> {
    const condition = { timeframe: '15m', indicator: 'rsi', operator: 'lt', value: nextRsi++ };
    const response = await app.http('POST', '/bots', {
      name: 'risk', type: 'dca', exchange: 'paper', exchangeAccountId, symbol: 'ETH/USDT', conditions: [condition], dca: { baseOrderSize: 100, maxActiveDeals: 10, ...dca },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return { id: response.body.id, conditionId: response.body.conditions[0].id };
  }

  async function putRisk(exchangeAccountId: string, settings: object): Promise<any> {
    const response = await app.http('PUT', `/exchange-accounts/${exchangeAccountId}/risk`, settings);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  }

  /** Routes a trigger whose candle closes at `closeTime` (market time) and answers the bot's delivery. */
  async function fire(bot: { id: string; conditionId: string }, closeTime: number): Promise<{ outcome: string; reason: string | null }> {
    clock.set(closeTime);
    const trigger: TriggerFiredV1 = {
      triggerId: randomUUID(), conditionId: bot.conditionId, conditionKey: 'k', candleOpenTime: closeTime - QUARTER, candleCloseTime: closeTime, values: { lhs: 25, rhs: 30, close: 100 },
    };
    await db.query(`INSERT INTO triggers (id, condition_id, candle_open_time, candle_close_time, "values") VALUES ($1, $2, $3, $4, $5)`, [
      trigger.triggerId, bot.conditionId, new Date(trigger.candleOpenTime), new Date(closeTime), trigger.values,
    ]);
    await app.get(TriggerRouter).route(trigger);
    const { rows } = await db.query(`SELECT outcome, reason FROM deliveries WHERE trigger_id = $1 AND bot_id = $2`, [trigger.triggerId, bot.id]);
    return rows[0];
  }

  async function seedClosedDeal(bot: { id: string }, exchangeAccountId: string, closedAt: number, realizedPnl: number, closeReason: string): Promise<void> {
    await db.query(
      `INSERT INTO deals (id, bot_id, exchange_account_id, symbol, direction, status, phase, opened_at, closed_at, realized_pnl, close_reason)
       VALUES ($1, $2, $3, 'ETH/USDT', 'long', 'closed', 'done', $4, $5, $6, $7)`,
      [randomUUID(), bot.id, exchangeAccountId, new Date(closedAt - HOUR), new Date(closedAt), realizedPnl, closeReason],
    );
  }

  async function settle(): Promise<void> {
    await app.get(OrderPlacer).idle();
    await app.get(ExecutorTicker).settle();
  }

  const refusedBy = (rule: string) => ({ outcome: 'refused', reason: expect.stringMatching(new RegExp(`^risk:${rule}: `)) });
  const executed = { outcome: 'executed', reason: null };

  it('refuses a deal beyond max open deals, counting the deals of every bot on the account', async () => {
    const account = await paperAccount();
    const [first, second] = [await createBot(account), await createBot(account)];
    await putRisk(account, { maxOpenDeals: 2 });
    expect(await fire(first, T0)).toEqual(executed);
    expect(await fire(first, T0 + QUARTER)).toEqual(executed);
    const refused = await fire(second, T0 + 2 * QUARTER);
    expect(refused).toEqual(refusedBy('max_open_deals'));
    expect(refused.reason).toContain('2 deal(s) open on the account, the maximum is 2');
    expect((await db.query(`SELECT count(*)::int AS n FROM deals WHERE bot_id = $1`, [second.id])).rows[0].n).toBe(0);

    await putRisk(account, { maxOpenDeals: 3 });
    expect(await fire(second, T0 + 3 * QUARTER)).toEqual(executed);
    await settle();
  });

  it('lets only one of two bots pass a max-open-deals check when their triggers arrive at once', async () => {
    const account = await paperAccount();
    const bots = [await createBot(account), await createBot(account)];
    await putRisk(account, { maxOpenDeals: 1 });
    const outcomes = await Promise.all(bots.map((bot) => fire(bot, T0 + 4 * QUARTER)));
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['executed', 'refused']);
    expect(outcomes.find((o) => o.outcome === 'refused')).toEqual(refusedBy('max_open_deals'));
    expect((await db.query(`SELECT count(*)::int AS n FROM deals WHERE exchange_account_id = $1`, [account])).rows[0].n).toBe(1);
    await settle();
  });

  it('refuses a deal whose base order would take the exposure of the account past the maximum', async () => {
    const account = await paperAccount();
    const [a, b, c] = [await createBot(account), await createBot(account), await createBot(account, { baseOrderSize: 40 })];
    await putRisk(account, { maxExposure: 250 });
    expect(await fire(a, T0)).toEqual(executed);
    await settle();
    // The first deal's base order filled (~100 USDT held); the second's is counted at its size while in flight.
    expect(await fire(b, T0 + QUARTER)).toEqual(executed);
    const refused = await fire(a, T0 + 2 * QUARTER);
    expect(refused).toEqual(refusedBy('max_exposure'));
    expect(refused.reason).toMatch(/\+ 100 for the new deal would exceed the maximum of 250/);
    // A smaller deal still fits.
    expect(await fire(c, T0 + 3 * QUARTER)).toEqual(executed);
    await settle();
    const view = (await app.http('GET', `/exchange-accounts/${account}/risk`)).body;
    expect(view.settings).toEqual({ maxExposure: 250, maxOpenDeals: null, dailyLossLimit: null, stoplossGuard: null });
    expect(view.state.openDeals).toBe(3);
    expect(view.state.exposure).toBeGreaterThan(230);
    expect(view.state.exposure).toBeLessThanOrEqual(240.5);
  });

  it('stops new deals for the rest of the UTC day once the realized loss reaches the daily limit', async () => {
    const account = await paperAccount();
    const bot = await createBot(account);
    const day = Date.UTC(2024, 0, 5);
    await putRisk(account, { dailyLossLimit: 100 });
    await seedClosedDeal(bot, account, day - HOUR, -500, 'stop_loss'); // yesterday: does not count
    await seedClosedDeal(bot, account, day + 8 * HOUR, -60, 'stop_loss');
    expect(await fire(bot, day + 12 * HOUR)).toEqual(executed);

    await seedClosedDeal(bot, account, day + 12 * HOUR + 5 * MINUTE, -45, 'manual');
    const refused = await fire(bot, day + 12 * HOUR + QUARTER);
    expect(refused).toEqual(refusedBy('daily_loss_limit'));
    expect(refused.reason).toContain('realized PnL today -105 reached the daily loss limit of 100; new deals resume at 2024-01-06T00:00:00.000Z');
    expect(await fire(bot, day + DAY - QUARTER)).toEqual(refusedBy('daily_loss_limit'));
    clock.set(day + DAY - MINUTE);
    expect((await app.http('GET', `/exchange-accounts/${account}/risk`)).body.state.realizedPnlToday).toBe(-105);

    expect(await fire(bot, day + DAY + QUARTER)).toEqual(executed);
    await settle();
  });

  it('pauses new deals for the cooldown after N stop losses within the window', async () => {
    const account = await paperAccount();
    const bot = await createBot(account);
    const d = Date.UTC(2024, 0, 7, 10);
    await putRisk(account, { stoplossGuard: { count: 2, windowSeconds: 3600, cooldownSeconds: 7200 } });
    await seedClosedDeal(bot, account, d - 30 * MINUTE, -10, 'stop_loss');
    await seedClosedDeal(bot, account, d - 40 * MINUTE, 5, 'take_profit');
    await seedClosedDeal(bot, account, d - 3 * HOUR, -10, 'trailing_stop'); // outside the window
    expect(await fire(bot, d)).toEqual(executed);

    await seedClosedDeal(bot, account, d + 5 * MINUTE, -10, 'trailing_stop');
    const pausedUntil = new Date(d + 5 * MINUTE + 2 * HOUR).toISOString();
    const refused = await fire(bot, d + QUARTER);
    expect(refused).toEqual(refusedBy('stoploss_guard'));
    expect(refused.reason).toContain(`paused until ${pausedUntil}`);
    expect((await app.http('GET', `/exchange-accounts/${account}/risk`)).body.state.pausedUntil).toBe(pausedUntil);
    // The stops have left the window, the pause they started has not.
    expect(await fire(bot, d + 6 * QUARTER)).toEqual(refusedBy('stoploss_guard'));
    expect(await fire(bot, d + 9 * QUARTER)).toEqual(executed);
    await settle();
  });

  describe('kill switch', () => {
    const ladder = { baseOrderSize: 100, safetyOrderSize: 100, maxSafetyOrders: 2, priceDeviation: 3, takeProfit: 5 };
    const liveAppOrders = async (account: string) =>
      (await db.query(`SELECT count(*)::int AS n FROM orders WHERE exchange_account_id = $1 AND status IN ('pending', 'open', 'partially_filled')`, [account])).rows[0].n;
    const openPaperOrders = async (account: string) =>
      (await db.query(`SELECT count(*)::int AS n FROM paper_orders WHERE exchange_account_id = $1 AND status IN ('open', 'partially_filled')`, [account])).rows[0].n;
    const botStatus = async (id: string) => (await app.http('GET', `/bots/${id}`)).body.status;

    async function tickAndSettle(rounds = 3): Promise<void> {
      for (let round = 0; round < rounds; round++) {
        clock.advance(MINUTE);
        await app.get(ExecutorTicker).tick();
        await settle();
      }
    }

    async function accountWithDeal(at: number) {
      const account = await paperAccount();
      const trader = await createBot(account, ladder);
      const idle = await createBot(account);
      expect(await fire(trader, at)).toEqual(executed);
      await settle();
      expect(await openPaperOrders(account)).toBe(2); // the safety order and the take profit rest on the paper exchange
      const [deal] = (await db.query(`SELECT id FROM deals WHERE bot_id = $1`, [trader.id])).rows;
      return { account, trader, idle, dealId: deal.id as string };
    }

    it('stops the bots, cancels the orders on the exchange, refuses new deals until re-armed', async () => {
      const at = Date.UTC(2024, 0, 9, 9);
      const { account, trader, idle, dealId } = await accountWithDeal(at);
      const killed = await app.http('POST', `/exchange-accounts/${account}/kill-switch`, {});
      expect(killed.status, JSON.stringify(killed.body)).toBe(202);
      expect(killed.body).toMatchObject({ exchangeAccountId: account, killSwitchAt: new Date(at).toISOString(), dealsClosing: [], dealsAbandoned: [dealId], dealsFailed: [] });
      expect(killed.body.botsStopped.sort()).toEqual([trader.id, idle.id].sort());
      expect(killed.body.ordersCanceled).toHaveLength(2);
      expect(await botStatus(trader.id)).toBe('stopped');
      expect(await botStatus(idle.id)).toBe('stopped');

      await tickAndSettle();
      expect(await openPaperOrders(account)).toBe(0);
      expect(await liveAppOrders(account)).toBe(0);
      expect((await db.query(`SELECT status, close_reason FROM deals WHERE id = $1`, [dealId])).rows[0]).toEqual({ status: 'canceled', close_reason: 'kill_switch' });
      expect((await app.http('GET', `/exchange-accounts/${account}/risk`)).body.state.killSwitchAt).toBe(new Date(at).toISOString());

      expect((await app.http('POST', `/bots/${trader.id}/start`)).status).toBe(200);
      expect(await fire(trader, at + HOUR)).toEqual(refusedBy('kill_switch'));

      const rearmed = await app.http('DELETE', `/exchange-accounts/${account}/kill-switch`);
      expect(rearmed.status).toBe(200);
      expect(rearmed.body.state.killSwitchAt).toBeNull();
      expect(await fire(trader, at + 2 * HOUR)).toEqual(executed);
      await settle();
    });

    it('with closePositions, closes every open deal at market with the reason kill_switch', async () => {
      const at = Date.UTC(2024, 0, 9, 15);
      const { account, dealId } = await accountWithDeal(at);
      const killed = await app.http('POST', `/exchange-accounts/${account}/kill-switch`, { closePositions: true });
      expect(killed.status, JSON.stringify(killed.body)).toBe(202);
      expect(killed.body).toMatchObject({ dealsClosing: [dealId], dealsAbandoned: [], dealsFailed: [] });

      await tickAndSettle();
      const deal = (await db.query(`SELECT status, close_reason, amount FROM deals WHERE id = $1`, [dealId])).rows[0];
      expect(deal).toMatchObject({ status: 'closed', close_reason: 'kill_switch' });
      expect(Number(deal.amount)).toBeLessThan(1e-6);
      expect(await openPaperOrders(account)).toBe(0);
      expect(await liveAppOrders(account)).toBe(0);
      const legs = (await db.query(`SELECT leg, status FROM orders WHERE deal_id = $1 AND leg = 'close'`, [dealId])).rows;
      expect(legs).toEqual([{ leg: 'close', status: 'filled' }]);
    });

    it('answers 404 for an unknown account and 400 for a body it does not know', async () => {
      expect((await app.http('POST', `/exchange-accounts/${randomUUID()}/kill-switch`, {})).status).toBe(404);
      expect((await app.http('DELETE', `/exchange-accounts/${randomUUID()}/kill-switch`)).status).toBe(404);
      const account = await paperAccount();
      const wrong = await app.http('POST', `/exchange-accounts/${account}/kill-switch`, { closePositions: 'yes' });
      expect(wrong.status).toBe(400);
      expect(wrong.body.fields.map((f: { field: string }) => f.field)).toEqual(['closePositions']);
    });
  });

  describe('GET and PUT /exchange-accounts/:id/risk', () => {
    it('answers no limit set and the current state for an account never configured', async () => {
      const account = await paperAccount();
      clock.set(T0);
      const response = await app.http('GET', `/exchange-accounts/${account}/risk`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        exchangeAccountId: account,
        settings: { maxExposure: null, maxOpenDeals: null, dailyLossLimit: null, stoplossGuard: null },
        state: { at: new Date(T0).toISOString(), exposure: 0, openDeals: 0, realizedPnlToday: 0, pausedUntil: null, killSwitchAt: null },
      });
    });

    it('replaces the limits: a limit left out is off', async () => {
      const account = await paperAccount();
      const guard = { count: 3, windowSeconds: 600, cooldownSeconds: 1800 };
      expect((await putRisk(account, { maxExposure: 500, maxOpenDeals: 4, dailyLossLimit: 50, stoplossGuard: guard })).settings)
        .toEqual({ maxExposure: 500, maxOpenDeals: 4, dailyLossLimit: 50, stoplossGuard: guard });
      expect((await putRisk(account, { maxOpenDeals: 2 })).settings).toEqual({ maxExposure: null, maxOpenDeals: 2, dailyLossLimit: null, stoplossGuard: null });
      expect((await app.http('GET', `/exchange-accounts/${account}/risk`)).body.settings.maxOpenDeals).toBe(2);
    });

    it('refuses invalid limits with 400 naming each field', async () => {
      const account = await paperAccount();
      const response = await app.http('PUT', `/exchange-accounts/${account}/risk`, {
        maxExposure: 0, maxOpenDeals: 1.5, dailyLossLimit: -10, stoplossGuard: { count: 0, windowSeconds: -1, cooldownSeconds: 'long' }, extra: 1,
      });
      expect(response.status).toBe(400);
      const fields = new Set(response.body.fields.map((f: { field: string }) => f.field));
      expect(fields).toEqual(new Set(['maxExposure', 'maxOpenDeals', 'dailyLossLimit', 'stoplossGuard.count', 'stoplossGuard.windowSeconds', 'stoplossGuard.cooldownSeconds', 'extra']));
      const missing = await app.http('PUT', `/exchange-accounts/${account}/risk`, { stoplossGuard: { count: 2 } });
      expect(missing.status).toBe(400);
      expect(new Set(missing.body.fields.map((f: { field: string }) => f.field))).toEqual(new Set(['stoplossGuard.windowSeconds', 'stoplossGuard.cooldownSeconds']));
      expect((await app.http('GET', `/exchange-accounts/${account}/risk`)).body.settings.maxExposure).toBeNull();
    });

    it('answers 404 for an unknown account and 400 for an id that is not a UUID', async () => {
      const unknown = randomUUID();
      expect((await app.http('GET', `/exchange-accounts/${unknown}/risk`)).status).toBe(404);
      expect((await app.http('PUT', `/exchange-accounts/${unknown}/risk`, { maxOpenDeals: 1 })).status).toBe(404);
      const bad = await app.http('GET', '/exchange-accounts/not-a-uuid/risk');
      expect(bad.status).toBe(400);
      expect(bad.body.fields).toEqual([{ field: 'id', message: 'must be a UUID' }]);
    });
  });
});
