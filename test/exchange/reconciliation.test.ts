import { randomBytes, randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TriggerFiredV1 } from '../../src/event-bus/index.js';
import { CcxtExchangeFactory } from '../../src/exchange/index.js';
import { TriggerRouter } from '../../src/notifier/index.js';
import { OrderPlacer, OrderReconciler } from '../../src/trading/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { binanceError, start, type FakeBinance, type FakeReply, type FakeRequest } from '../support/fake-binance/fake-binance.server.js';
import { FakeCcxtFactory } from '../support/fake-ccxt-factory.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { sleep, waitFor } from '../support/wait-for.js';

const API_KEY = `key${randomBytes(8).toString('hex')}`;
const SECRET = `secret${randomBytes(8).toString('hex')}`;
const QUARTER = 15 * 60_000;
const TIMEOUT_MS = 600;
const MISSING_AFTER_MS = 300;
const MISSING_CHECKS = 3;
const RECONCILE_INTERVAL_MS = 100;

/** An order row as Postgres gives it (numerics as strings). */
interface OrderRow {
  id: string;
  client_order_id: string;
  status: string;
  amount: string | null;
  price: string | null;
  quote_amount: string | null;
  filled: string;
  average: string | null;
  exchange_order_id: string | null;
  error: string | null;
  attempts: number;
  send_started_at: Date | null;
  next_attempt_at: Date | null;
  not_found_count: number;
  first_not_found_at: Date | null;
  deal_id: string | null;
}

/** An answer the fake gives late (its own faults answer at once); `sentAt` once it went out. */
interface LateReply {
  endpoint: string;
  delayMs: number;
  reply: FakeReply;
  sentAt?: number;
}

/** What the app had recorded about an order at the moment the exchange received a request about it. */
interface Sighting {
  endpoint: string;
  at: number;
  row: OrderRow;
}

describe('live order placement and reconciliation against a fake Binance', () => {
  let binance: FakeBinance;
  let factory: FakeCcxtFactory;
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;
  let accountId: string;
  let conditionValue = 40;
  const sightings = new Map<string, Sighting[]>();
  const lateReplies: LateReply[] = [];
  const secretsKey = randomBytes(32).toString('hex');

  const env = () => ({
    DATABASE_URL: database.url,
    MARKET_DATA_SOURCE: 'simulated',
    EVALUATOR_CRON: 'off',
    SECRETS_KEY: secretsKey,
    ORDER_MISSING_CHECKS: String(MISSING_CHECKS),
    ORDER_MISSING_AFTER_MS: String(MISSING_AFTER_MS),
    RECONCILE_INTERVAL_MS: String(RECONCILE_INTERVAL_MS),
    ORDER_RETRY_BASE_MS: '200',
  });
  const startApp = () => startTestApp(env(), undefined, [{ provide: CcxtExchangeFactory, useValue: factory }]);

  beforeAll(async () => {
    binance = await start({ apiKey: API_KEY, secret: SECRET, balances: { USDT: 10_000, BTC: 1 } });
    binance.state.account.prices.BTCUSDT = 30_000;
    factory = new FakeCcxtFactory(binance.url, { timeoutMs: TIMEOUT_MS });
    database = await createTestDatabase('reconciliation');
    db = await connect(database.url);
    binance.intercept(async (request) => {
      const clientOrderId = idOf(request);
      if (request.path !== '/api/v3/order' || request.method === 'DELETE' || !clientOrderId) return undefined;
      const [row] = (await db.query(`SELECT * FROM orders WHERE client_order_id = $1`, [clientOrderId])).rows;
      sightings.set(clientOrderId, [...(sightings.get(clientOrderId) ?? []), { endpoint: `${request.method} ${request.path}`, at: request.at, row }]);
      return undefined;
    });
    binance.intercept(async (request) => {
      const late = lateReplies.find((l) => l.sentAt === undefined && l.endpoint === `${request.method} ${request.path}`);
      if (!late) return undefined;
      await sleep(late.delayMs);
      late.sentAt = Date.now();
      return late.reply;
    });
    app = await startApp();
    const account = await app.http('POST', '/exchange-accounts', { exchange: 'binance', label: 'binance', apiKey: API_KEY, secret: SECRET });
    expect(account.status, JSON.stringify(account.body)).toBe(201);
    accountId = account.body.id;
  });

  afterEach(() => binance.faults.clear());

  afterAll(async () => {
    await app?.close();
    await factory?.close();
    await binance?.close();
    await db?.end();
    await database?.drop();
  });

  it('rounds orders to the market before sending them, and refuses one below the minimum without sending it', async () => {
    const market = await placeBaseOrder({ baseOrderSize: 50.129 });
    expect(market).toMatchObject({ status: 'filled', quote_amount: '50.12', filled: '0.00167', average: '30000', attempts: 1 });
    expect(requestsFor('POST /api/v3/order', market.client_order_id).map((r) => r.params)).toEqual([
      expect.objectContaining({ type: 'MARKET', side: 'BUY', quoteOrderQty: '50.12' }),
    ]);

    const limit = await placeBaseOrder({ baseOrderSize: 100, orderType: 'limit' }, 29_000.004);
    expect(limit).toMatchObject({ status: 'open', amount: '0.00344', price: '29000', filled: '0' });
    expect(requestsFor('POST /api/v3/order', limit.client_order_id).map((r) => r.params)).toEqual([
      expect.objectContaining({ type: 'LIMIT', quantity: '0.00344', price: '29000' }),
    ]);
    // The reconciler's polling of open orders picks the fill up.
    binance.state.fill(limit.client_order_id);
    await waitFor(async () => (await order(limit.id)).status === 'filled', 5_000, 'the resting order recorded filled');
    const deal = await dealOf(limit);
    expect(deal.amount).toBe('0.00344');
    expect(Number(deal.average_entry)).toBeCloseTo(29_000, 6);

    // A bot whose base order is below the minimum is refused outright...
    const refused = await app.http('POST', '/bots', botBody({ baseOrderSize: 4.999 }));
    expect(refused.status).toBe(400);
    expect(refused.body.fields).toEqual([expect.objectContaining({ field: 'dca.baseOrderSize', message: expect.stringContaining('below the minimum') })]);
    // ...and an order that comes out below it all the same is refused with the reason, never sent.
    const small = await placePendingOrder({ type: 'market', quote_amount: 4.999 });
    expect(small).toMatchObject({
      status: 'rejected', error: 'below_minimum: order cost 4.99 USDT is below the minimum 5 USDT for BTC/USDT', send_started_at: null, attempts: 0,
    });
    expect(requestsFor('POST /api/v3/order', small.client_order_id)).toEqual([]);
  });

  it('finds an order whose answer timed out by its client order id, and never sends it twice', async () => {
    binance.faults.timeoutAfterAccept('POST /api/v3/order');
    const placed = await placeBaseOrder({ baseOrderSize: 50 });
    await reconcileUntil(placed.id, 'filled');

    const [sent, firstLookUp] = sightings.get(placed.client_order_id)!;
    // The start of the send was committed before the order left.
    expect(sent.endpoint).toBe('POST /api/v3/order');
    expect(sent.row).toMatchObject({ status: 'pending', attempts: 1, send_started_at: expect.any(Date) });
    // After the timeout it stayed pending, and the next step was a look-up by client order id, not a resend.
    expect(firstLookUp.endpoint).toBe('GET /api/v3/order');
    expect(firstLookUp.at - sent.at).toBeGreaterThanOrEqual(TIMEOUT_MS);
    expect(firstLookUp.row).toMatchObject({
      status: 'pending', attempts: 1, send_started_at: sent.row.send_started_at, error: expect.stringMatching(/^ExchangeUnavailable: .*timed out/),
    });

    expect(requestsFor('POST /api/v3/order', placed.client_order_id)).toHaveLength(1);
    const onExchange = exchangeOrders(placed.client_order_id);
    expect(onExchange).toHaveLength(1);
    expect(await order(placed.id)).toMatchObject({
      exchange_order_id: String(onExchange[0].orderId), filled: '0.00166', attempts: 1, error: null, next_attempt_at: null,
    });
    const fills = await fillsOf(placed.id);
    expect(fills).toEqual([expect.objectContaining({ amount: '0.00166', fee: '0.00000166', fee_currency: 'BTC' })]);
    expect(Number(fills[0].price)).toBeCloseTo(30_000, 6);
    expect((await dealOf(placed)).amount).toBe('0.00166');
  });

  it('waits for repeated not-found answers spread over ORDER_MISSING_AFTER_MS before any resend', async () => {
    // The exchange took the order but reports it late: its first look-ups answer "Order does not exist."
    // One answer short of ORDER_MISSING_CHECKS, so however the look-ups are spaced, a resend would be a bug.
    binance.faults.hideFreshOrders(MISSING_CHECKS - 1).timeoutAfterAccept('POST /api/v3/order');
    const placed = await placeBaseOrder({ baseOrderSize: 50 });
    await reconcileUntil(placed.id, 'filled');

    const lookUps = sightings.get(placed.client_order_id)!.filter((s) => s.endpoint === 'GET /api/v3/order');
    // Each look-up saw the not-found answers counted so far; the last one found the order.
    expect(lookUps.map((s) => s.row.not_found_count)).toEqual([0, 1, 2]);
    for (let i = 1; i < lookUps.length; i++) {
      expect(lookUps[i].at - lookUps[i - 1].at, `look-up ${i + 1} came too soon`).toBeGreaterThanOrEqual(MISSING_AFTER_MS / MISSING_CHECKS - 5);
      expect(lookUps[i].row.first_not_found_at).toEqual(lookUps[1].row.first_not_found_at);
    }
    expect(requestsFor('POST /api/v3/order', placed.client_order_id)).toHaveLength(1);
    expect(exchangeOrders(placed.client_order_id)).toHaveLength(1);
    expect(await order(placed.id)).toMatchObject({ status: 'filled', attempts: 1, not_found_count: 0, first_not_found_at: null });
    expect(await fillsOf(placed.id)).toHaveLength(1);
  });

  it('postpones an order by the Retry-After of a 429, and places it later', async () => {
    // Binance is busy: its 429 comes late, while the reconciler's periodic passes go on.
    const limited: LateReply = { endpoint: 'POST /api/v3/order', delayMs: 3 * RECONCILE_INTERVAL_MS, reply: rateLimited(1) };
    lateReplies.push(limited);
    const placed = await placeBaseOrder({ baseOrderSize: 50 });
    expect(limited.sentAt).toBeDefined();
    expect(requestsFor('POST /api/v3/order', placed.client_order_id)).toHaveLength(1);
    expect(placed).toMatchObject({ status: 'pending', error: expect.stringContaining('Too many requests') });
    expect(placed.next_attempt_at!.getTime() - limited.sentAt!).toBeGreaterThanOrEqual(1_000 - 50);
    expect(placed.next_attempt_at!.getTime() - limited.sentAt!).toBeLessThan(1_000 + 250);

    await reconcileUntil(placed.id, 'filled');
    const later = binance.requests.filter((r) => r.path === '/api/v3/order' && idOf(r) === placed.client_order_id).slice(1);
    // Nothing about the order went to the exchange before the Retry-After was over.
    expect(later[0].at - limited.sentAt!, `${later[0].method} ${later[0].path} went out ${later[0].at - limited.sentAt!} ms after the 429`).toBeGreaterThanOrEqual(1_000);
    expect(requestsFor('POST /api/v3/order', placed.client_order_id)).toHaveLength(2);
    expect(exchangeOrders(placed.client_order_id)).toHaveLength(1);
    expect(await fillsOf(placed.id)).toHaveLength(1);
  });

  it('records insufficient funds on the order and its deal, and never retries', async () => {
    const usdt = binance.state.account.balance('USDT');
    const free = usdt.free;
    usdt.free = 20;
    const placed = await placeBaseOrder({ baseOrderSize: 50 }).finally(() => (usdt.free = free));
    expect(placed.status).toBe('rejected');
    expect(placed.error).toMatch(/^insufficient_funds: .*insufficient balance/);
    expect(await dealOf(placed)).toMatchObject({ status: 'canceled', last_error: placed.error, amount: '0' });
    const reconciler = app.get(OrderReconciler);
    for (let pass = 0; pass < 3; pass++) await reconciler.runOnce();
    await app.get(OrderPlacer).idle();
    expect(requestsFor('POST /api/v3/order', placed.client_order_id)).toHaveLength(1);
    expect(requestsFor('GET /api/v3/order', placed.client_order_id)).toEqual([]);
    expect(await order(placed.id)).toMatchObject({ status: 'rejected', attempts: 1 });
  });

  it('records at start, before any trigger is handled, a fill that happened while the app was down', async () => {
    const resting = await placeBaseOrder({ baseOrderSize: 100, orderType: 'limit' }, 29_000);
    expect(resting.status).toBe('open');
    const [{ condition_id: conditionId }] = (await db.query(`SELECT s.condition_id FROM orders o JOIN subscriptions s USING (bot_id) WHERE o.id = $1`, [resting.id])).rows;
    await app.close();

    binance.state.fill(resting.client_order_id);
    // A trigger for the bot left unhandled while the app was down: the notifier takes it once the app is back.
    const waiting = await recordTrigger(conditionId, 29_000, Date.now() - 2 * QUARTER, false);
    const requestsBefore = binance.requests.length;
    app = await startApp();

    // No waiting: the start-up reconciliation is over by the time the app has started.
    expect(await order(resting.id)).toMatchObject({ status: 'filled', filled: '0.00344', average: '29000' });
    const fills = await fillsOf(resting.id);
    expect(fills).toEqual([expect.objectContaining({ amount: '0.00344', fee: '0.00000344', fee_currency: 'BTC' })]);
    expect(Number(fills[0].price)).toBeCloseTo(29_000, 6);
    const deal = await dealOf(resting);
    expect(deal).toMatchObject({ status: 'open', amount: '0.00344', fees: '0.00000344' });
    expect(Number(deal.average_entry)).toBeCloseTo(29_000, 6);
    expect(binance.requests.slice(requestsBefore).some((r) => idOf(r) === resting.client_order_id || r.path === '/api/v3/openOrders')).toBe(true);

    await waitFor(async () => (await db.query(`SELECT 1 FROM deliveries WHERE trigger_id = $1`, [waiting.triggerId])).rows.length > 0, 5_000, 'the waiting trigger handled');
    const [delivery] = (await db.query(`SELECT outcome, reason, created_at FROM deliveries WHERE trigger_id = $1`, [waiting.triggerId])).rows;
    expect(delivery).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('already has an open deal') });
    expect(delivery.created_at.getTime()).toBeGreaterThanOrEqual(fills[0].recorded_at.getTime());
  });

  it('records fills at the exchange\'s prices and costs, free of float noise', async () => {
    const rows = (await db.query(
      `SELECT o.client_order_id, f.amount, f.price, d.cost, d.average_entry FROM fills f JOIN orders o ON o.id = f.order_id JOIN deals d ON d.id = o.deal_id ORDER BY f.id`,
    )).rows;
    expect(rows.length).toBeGreaterThanOrEqual(5);
    // Each of these orders filled once, at one price, and is its deal's only order.
    const recorded = rows.map((row) => ({
      clientOrderId: row.client_order_id, amount: Number(row.amount), price: Number(row.price), cost: Number(row.cost), averageEntry: Number(row.average_entry),
    }));
    const exchange = rows.map((row) => {
      const [placed] = exchangeOrders(row.client_order_id);
      const { price } = placed.fills[0];
      return { clientOrderId: row.client_order_id, amount: placed.executedQty, price, cost: placed.cummulativeQuoteQty, averageEntry: price };
    });
    expect(recorded).toEqual(exchange);
  });

  /** A DCA bot on the live account, with a condition of its own so that its triggers reach it alone. */
  function botBody(dca: object): object {
    return {
      name: 'live dca', type: 'dca', exchange: 'binance', exchangeAccountId: accountId, symbol: 'BTC/USDT',
      conditions: [{ timeframe: '15m', indicator: 'rsi', operator: 'lt', value: ++conditionValue }], dca,
    };
  }

  /** A new bot, fired once; resolves with its base order after the first attempt to place it. */
  async function placeBaseOrder(dca: object, close = 30_000): Promise<OrderRow> {
    const created = await app.http('POST', '/bots', botBody(dca));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const trigger = await recordTrigger(created.body.conditions[0].id, close);
    await app.get(TriggerRouter).route(trigger);
    await app.get(OrderPlacer).idle();
    const [row] = (await db.query(`SELECT * FROM orders WHERE bot_id = $1`, [created.body.id])).rows;
    return row;
  }

  /** An order recorded pending by hand, as a bot would, and given to the placer for its first attempt. */
  async function placePendingOrder(fields: Record<string, unknown>): Promise<OrderRow> {
    const row = { client_order_id: `tbo${randomBytes(14).toString('hex')}`, exchange_account_id: accountId, symbol: 'BTC/USDT', side: 'buy', status: 'pending', decided_at: new Date(), ...fields };
    const columns = Object.keys(row);
    const [{ id }] = (await db.query(
      `INSERT INTO orders (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
      Object.values(row),
    )).rows;
    await app.get(OrderPlacer).submit([id]);
    return order(id);
  }

  /** A trigger of the condition's last closed quarter; `published` ones are left to the test to route. */
  async function recordTrigger(conditionId: string, close: number, at = Date.now(), published = true): Promise<TriggerFiredV1> {
    const candleOpenTime = Math.floor(at / QUARTER) * QUARTER - QUARTER;
    const trigger: TriggerFiredV1 = {
      triggerId: randomUUID(), conditionId, conditionKey: 'k', candleOpenTime, candleCloseTime: candleOpenTime + QUARTER, values: { lhs: 25, rhs: 30, close },
    };
    await db.query(
      `INSERT INTO triggers (id, condition_id, candle_open_time, candle_close_time, "values", published_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [trigger.triggerId, conditionId, new Date(candleOpenTime), new Date(trigger.candleCloseTime), trigger.values, published ? new Date() : null],
    );
    return trigger;
  }

  async function order(id: string): Promise<OrderRow> {
    return (await db.query(`SELECT * FROM orders WHERE id = $1`, [id])).rows[0];
  }

  async function dealOf(row: OrderRow): Promise<Record<string, unknown>> {
    return (await db.query(`SELECT * FROM deals WHERE id = $1`, [row.deal_id])).rows[0];
  }

  async function fillsOf(orderId: string): Promise<any[]> {
    return (await db.query(`SELECT * FROM fills WHERE order_id = $1 ORDER BY id`, [orderId])).rows;
  }

  /** Runs reconciler passes (besides the periodic ones) until the order reaches `status`. */
  async function reconcileUntil(orderId: string, status: string): Promise<void> {
    const reconciler = app.get(OrderReconciler);
    await waitFor(async () => {
      await reconciler.runOnce();
      return (await order(orderId)).status === status;
    }, 10_000, `order ${orderId} ${status}`);
  }

  function requestsFor(endpoint: string, clientOrderId: string): FakeRequest[] {
    return binance.requests.filter((r) => `${r.method} ${r.path}` === endpoint && idOf(r) === clientOrderId);
  }

  function exchangeOrders(clientOrderId: string) {
    return binance.state.account.orders.filter((o) => o.clientOrderId === clientOrderId);
  }
});

/** The client order id a request is about: a new order's, or the one looked up or canceled. */
function idOf(request: FakeRequest): string | undefined {
  return request.params.newClientOrderId ?? request.params.origClientOrderId;
}

/** Binance's rate-limit answer, with Retry-After in seconds. */
function rateLimited(retryAfterSeconds: number): FakeReply {
  return { ...binanceError(429, -1003, 'Too many requests; current limit is 6000 request weight per 1 MINUTE.'), headers: { 'Retry-After': String(retryAfterSeconds) } };
}
