import { randomBytes } from 'node:crypto';
import type { Exchange } from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'pg';
import { DefaultCcxtExchangeFactory, type ExchangeCredentials } from '../../src/exchange/ccxt/ccxt-exchange.factory.js';
import { CcxtExchangeFactory, ExchangeConnector } from '../../src/exchange/index.js';
import { OrderPlacer, OrderReconciler } from '../../src/trading/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { pointAtFakeBinance } from '../support/fake-binance/ccxt-binding.js';
import { start, type FakeBinance } from '../support/fake-binance/fake-binance.server.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { Rng } from '../support/seeded-random.js';

const API_KEY = 'fault-test-key-0123456789';
const SECRET = 'fault-test-secret-0123456789';
const PLACEMENTS = 1000;
const RESTART_EVERY = 250;
const POST = 'POST /api/v3/order';
const FAULTS = ['none', 'none', 'none', 'timeoutAfterAccept', 'timeoutBeforeAccept', 'dropAfterAccept', 'dropBeforeAccept', 'rateLimit', 'crashAfterSend', 'crashAfterSend'] as const;
type Fault = (typeof FAULTS)[number];

/** ccxt instances aimed at the fake Binance, with a short timeout so that withheld answers fail fast. */
class FakeBinanceFactory extends CcxtExchangeFactory {
  constructor(private readonly url: string) {
    super();
  }
  create(exchangeId: string, credentials: ExchangeCredentials | null, sandbox: boolean): Exchange {
    const exchange = new DefaultCcxtExchangeFactory().create(exchangeId, credentials, sandbox);
    pointAtFakeBinance(exchange, this.url);
    exchange.timeout = 80;
    exchange.enableRateLimit = false;
    return exchange;
  }
}

describe('order placement under injected faults', () => {
  let database: TestDatabase;
  let db: Client;
  let binance: FakeBinance;
  let app: TestApp | undefined;
  let accountId: string;
  const crashes = new Set<string>();
  const env = () => ({
    DATABASE_URL: database.url,
    SECRETS_KEY: randomKey,
    ORDER_MISSING_CHECKS: '2',
    ORDER_MISSING_AFTER_MS: '20',
    ORDER_RETRY_BASE_MS: '1',
    RECONCILE_INTERVAL_MS: '3600000',
  });
  const randomKey = randomBytes(32).toString('hex');

  beforeAll(async () => {
    database = await createTestDatabase('placement_faults');
    db = await connect(database.url);
    binance = await start({ apiKey: API_KEY, secret: SECRET, balances: { USDT: 10_000_000 } });
    binance.state.account.prices.BTCUSDT = 30_000;
  });

  afterAll(async () => {
    await app?.close();
    await binance?.close();
    await db?.end();
    await database?.drop();
  });

  /** Starts (or restarts) the app and wraps its gateway so that chosen sends "crash" after the exchange took them. */
  async function boot(): Promise<TestApp> {
    const started = await startTestApp(env(), undefined, [{ provide: CcxtExchangeFactory, useValue: new FakeBinanceFactory(binance.url) }]);
    if (accountId) {
      const gateway = await started.get(ExchangeConnector).gateway(accountId);
      const send = gateway.createOrder.bind(gateway);
      gateway.createOrder = async (request) => {
        const answer = await send(request);
        if (crashes.delete(request.clientOrderId)) throw new Error('simulated crash between send and record');
        return answer;
      };
    }
    return started;
  }

  function arm(fault: Fault, clientOrderId: string): void {
    const faults = binance.faults;
    if (fault === 'timeoutAfterAccept') faults.timeoutAfterAccept(POST);
    if (fault === 'timeoutBeforeAccept') faults.timeoutBeforeAccept(POST);
    if (fault === 'dropAfterAccept') faults.dropAfterAccept(POST);
    if (fault === 'dropBeforeAccept') faults.dropBeforeAccept(POST);
    if (fault === 'rateLimit') faults.rateLimit(POST, 0);
    if (fault === 'crashAfterSend') crashes.add(clientOrderId);
  }

  async function pendingCount(): Promise<number> {
    return (await db.query(`SELECT count(*)::int AS n FROM orders WHERE status = 'pending'`)).rows[0].n;
  }

  it(`gives 0 duplicate orders on the exchange and 0 orders unknown to the app over ${PLACEMENTS} faulty placements`, async () => {
    app = await boot();
    const created = await app.http('POST', '/exchange-accounts', { exchange: 'binance', label: 'fault test', apiKey: API_KEY, secret: SECRET });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    accountId = created.body.id;
    await app.close();

    const rng = new Rng(20261124);
    const seen: Record<string, number> = {};
    for (let batch = 0; batch < PLACEMENTS / RESTART_EVERY; batch++) {
      app = await boot();
      const orders: { id: string; client_order_id: string }[] = (await db.query(
        `INSERT INTO orders (client_order_id, exchange_account_id, symbol, side, type, quote_amount, status, decided_at)
         SELECT 'tbofault' || g, $1, 'BTC/USDT', 'buy', 'market', 20, 'pending', now() FROM generate_series($2::int, $3::int) g
         RETURNING id, client_order_id`,
        [accountId, batch * RESTART_EVERY, (batch + 1) * RESTART_EVERY - 1],
      )).rows;
      const placer = app.get(OrderPlacer);
      for (const order of orders) {
        const fault = FAULTS[Math.floor(rng.next() * FAULTS.length)];
        seen[fault] = (seen[fault] ?? 0) + 1;
        arm(fault, order.client_order_id);
        await placer.submit([order.id]);
        binance.faults.clear();
      }
      // The app goes down with this batch's interrupted orders unresolved; the next start reconciles them.
      await app.close();
      app = undefined;
    }

    app = await boot();
    const reconciler = app.get(OrderReconciler);
    for (let pass = 0; pass < 50 && (await pendingCount()) > 0; pass++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      await reconciler.runOnce();
    }

    const appOrders = (await db.query(`SELECT client_order_id, status, exchange_order_id FROM orders`)).rows;
    const onExchange = binance.state.account.orders;
    const perClientId = new Map<string, number>();
    for (const order of onExchange) perClientId.set(order.clientOrderId, (perClientId.get(order.clientOrderId) ?? 0) + 1);
    const duplicates = [...perClientId.values()].filter((n) => n > 1).length;
    const appById = new Map(appOrders.map((o) => [o.client_order_id, o]));
    const unknownToApp = onExchange.filter((o) => appById.get(o.clientOrderId)?.exchange_order_id !== String(o.orderId)).length;

    expect(Object.keys(seen).sort()).toEqual([...new Set(FAULTS)].sort());
    expect({ duplicates, unknownToApp }).toEqual({ duplicates: 0, unknownToApp: 0 });
    expect(appOrders.filter((o) => o.status !== 'filled')).toEqual([]);
    expect(onExchange).toHaveLength(PLACEMENTS);
    expect(binance.count(POST)).toBeGreaterThan(PLACEMENTS);
  }, 300_000);
});
