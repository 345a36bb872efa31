import { randomBytes, randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TriggerFiredV1 } from '../../src/event-bus/index.js';
import { CcxtExchangeFactory } from '../../src/exchange/index.js';
import { TriggerRouter } from '../../src/notifier/index.js';
import { OrderPlacer } from '../../src/trading/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { start, type FakeBinance } from '../support/fake-binance/fake-binance.server.js';
import { FakeCcxtFactory } from '../support/fake-ccxt-factory.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Distinctive per run, so that finding them anywhere is a leak and not a coincidence. */
const API_KEY = `key${randomBytes(12).toString('hex')}`;
const SECRET = `secret${randomBytes(16).toString('hex')}`;
const PASSWORD = `pass${randomBytes(8).toString('hex')}`;
const QUARTER = 15 * 60_000;

/** Everything the process writes while `work` runs: stdout, stderr and the console (pino writes to stdout). */
class OutputTap {
  private chunks: string[] | undefined;
  private readonly restore: (() => void)[] = [];

  install(): void {
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write;
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        this.chunks?.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
        return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
      }) as typeof stream.write;
      this.restore.push(() => (stream.write = original));
    }
  }

  uninstall(): void {
    for (const undo of this.restore.splice(0)) undo();
  }

  async capture(work: () => Promise<void>): Promise<string> {
    this.chunks = [];
    const consoles = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => vi.spyOn(console, method));
    try {
      await work();
      return [...this.chunks, ...consoles.flatMap((spy) => spy.mock.calls.map((call) => JSON.stringify(call)))].join('\n');
    } finally {
      this.chunks = undefined;
      for (const spy of consoles) spy.mockRestore();
    }
  }
}

describe('exchange accounts HTTP API', () => {
  const tap = new OutputTap();
  const secretsKey = randomBytes(32).toString('hex');
  let binance: FakeBinance;
  let factory: FakeCcxtFactory;
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;
  let live: any;
  let liveBot: any;

  const env = (url: string, extra: Record<string, string> = {}) => ({
    DATABASE_URL: url, MARKET_DATA_SOURCE: 'simulated', EVALUATOR_CRON: 'off', LOG_LEVEL: 'log', ...extra,
  });
  const overrides = () => [{ provide: CcxtExchangeFactory, useValue: factory }];
  const liveBody = (patch: object = {}) => ({ exchange: 'binance', label: 'binance main', apiKey: API_KEY, secret: SECRET, password: PASSWORD, ...patch });
  const botBody = (patch: object = {}) => ({
    name: 'live dca', type: 'dca', exchange: 'binance', symbol: 'BTC/USDT',
    conditions: [{ timeframe: '15m', indicator: 'rsi', operator: 'lt', value: 31 }], dca: { baseOrderSize: 50 }, ...patch,
  });
  const credentialsLeak = new RegExp(`${API_KEY}|${SECRET}|${PASSWORD}`);
  const expectNoSecrets = (answer: unknown) => {
    const text = JSON.stringify(answer);
    expect(text).not.toMatch(credentialsLeak);
    expect(text).not.toMatch(/"(apiKey|secret|password|credentials)"/);
  };

  beforeAll(async () => {
    binance = await start({ apiKey: API_KEY, secret: SECRET, balances: { USDT: 10_000, BTC: 0.5 } });
    binance.state.account.prices.BTCUSDT = 30_000;
    factory = new FakeCcxtFactory(binance.url);
    database = await createTestDatabase('exchange_accounts_api');
    db = await connect(database.url);
    // Before the app starts: pino writes to a process.stdout whose write was replaced, so the tap sees every log line.
    tap.install();
    app = await startTestApp(env(database.url, { SECRETS_KEY: secretsKey }), undefined, overrides());
  });

  afterAll(async () => {
    await app?.close();
    tap.uninstall();
    await factory?.close();
    await binance?.close();
    await db?.end();
    await database?.drop();
  });

  it('creates a paper account with its own balances, and shows them', async () => {
    const created = await app.http('POST', '/exchange-accounts', { exchange: 'paper', label: 'paper 2', balances: { USDT: 5000, BTC: 0.1 } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), exchange: 'paper', label: 'paper 2', paper: true, validatedAt: null });
    const balance = await app.http('GET', `/exchange-accounts/${created.body.id}/balance`);
    expect(balance.status).toBe(200);
    expect(balance.body).toEqual({ BTC: { free: 0.1, used: 0, total: 0.1 }, USDT: { free: 5000, used: 0, total: 5000 } });
  });

  it('validates a live account once, keeps its markets, seals its credentials, and never shows or logs them', async () => {
    const accountChecks = binance.count('GET /api/v3/account');
    let created: { status: number; body: any } | undefined;
    const logs = await tap.capture(async () => {
      created = await app.http('POST', '/exchange-accounts', liveBody());
      // A refusal goes through the same code with other credentials: it must not echo them either.
      await app.http('POST', '/exchange-accounts', liveBody({ apiKey: `${API_KEY}x`, label: 'refused' }));
    });
    expect(created!.status, JSON.stringify(created!.body)).toBe(201);
    live = created!.body;
    expect(live).toMatchObject({ id: expect.any(String), exchange: 'binance', label: 'binance main', sandbox: false, paper: false });
    expect(Date.parse(live.validatedAt)).not.toBeNaN();
    expectNoSecrets(live);

    // The check was one signed balance read with the key; the app's own log says so without the credentials.
    expect(binance.count('GET /api/v3/account')).toBe(accountChecks + 2);
    expect(logs).toContain('live exchange account created');
    expect(logs).toContain(live.id);
    expect(logs).not.toMatch(credentialsLeak);

    for (const path of ['/exchange-accounts', `/exchange-accounts/${live.id}`]) {
      const answer = await app.http('GET', path);
      expect(answer.status).toBe(200);
      expectNoSecrets(answer.body);
    }
    expect((await app.http('GET', '/exchange-accounts')).body.map((a: any) => a.id)).toContain(live.id);

    const [row] = (await db.query(`SELECT credentials, markets, validated_at FROM exchange_accounts WHERE id = $1`, [live.id])).rows;
    const sealed: Buffer = row.credentials;
    expect(sealed.length).toBeGreaterThan(29 + SECRET.length);
    for (const clear of [API_KEY, SECRET, PASSWORD]) {
      expect(sealed.includes(Buffer.from(clear))).toBe(false);
      expect(sealed.toString('base64')).not.toContain(Buffer.from(clear).toString('base64'));
    }
    expect(Object.keys(row.markets).length).toBeGreaterThan(0);
    expect(row.markets['BTC/USDT']).toEqual({
      symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', amountStep: 0.00001, priceStep: 0.01, minAmount: 0.00001, minCost: 5, maxAmount: 9000,
    });
    expect(row.validated_at).toBeInstanceOf(Date);

    // The sealed credentials open again: the balance comes from the exchange, signed with them.
    const balance = await app.http('GET', `/exchange-accounts/${live.id}/balance`);
    expect(balance.status, JSON.stringify(balance.body)).toBe(200);
    expect(balance.body).toEqual({ BTC: { free: 0.5, used: 0, total: 0.5 }, USDT: { free: 10_000, used: 0, total: 10_000 } });
    expect(binance.requests.at(-1)!.headers['x-mbx-apikey']).toBe(API_KEY);
  });

  it('refuses credentials the exchange refuses, and stores nothing', async () => {
    const before = (await db.query(`SELECT count(*)::int AS n FROM exchange_accounts`)).rows[0].n;
    const refused = await app.http('POST', '/exchange-accounts', liveBody({ apiKey: 'wrong-key-0123456789' }));
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'CREDENTIALS_REFUSED', message: expect.stringContaining('binance refused these API credentials') });
    expect(JSON.stringify(refused.body)).not.toMatch(/wrong-key-0123456789|secret[0-9a-f]{32}/);
    expect((await db.query(`SELECT count(*)::int AS n FROM exchange_accounts`)).rows[0].n).toBe(before);
  });

  it('refuses an exchange id ccxt does not know', async () => {
    const refused = await app.http('POST', '/exchange-accounts', liveBody({ exchange: 'nowhere' }));
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'UNKNOWN_EXCHANGE', message: expect.stringContaining('"nowhere"'), fields: [{ field: 'exchange' }] });
  });

  it('refuses a live account when the server has no SECRETS_KEY, before asking the exchange', async () => {
    const other = await createTestDatabase('exchange_accounts_nokey');
    const keyless = await startTestApp(env(other.url, { LOG_LEVEL: 'warn' }), undefined, overrides());
    try {
      const accountChecks = binance.count('GET /api/v3/account');
      const refused = await keyless.http('POST', '/exchange-accounts', liveBody());
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: 'SECRETS_KEY_MISSING', message: expect.stringContaining('SECRETS_KEY') });
      expect(binance.count('GET /api/v3/account')).toBe(accountChecks);
      expect((await keyless.http('GET', '/exchange-accounts')).body.map((a: any) => a.exchange)).toEqual(['paper']);
    } finally {
      await keyless.close();
      await other.drop();
    }
  });

  it('refuses to start without SECRETS_KEY once live accounts exist', async () => {
    await expect(startTestApp(env(database.url, { LOG_LEVEL: 'warn' }), undefined, overrides())).rejects.toThrow(/SECRETS_KEY/);
  });

  it('lets a bot trade through the account only on the account\'s exchange', async () => {
    const created = await app.http('POST', '/bots', botBody({ exchangeAccountId: live.id }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    liveBot = created.body;
    expect(liveBot).toMatchObject({ exchange: 'binance', symbol: 'BTC/USDT', status: 'running' });
    expect((await db.query(`SELECT exchange_account_id FROM bots WHERE id = $1`, [liveBot.id])).rows[0].exchange_account_id).toBe(live.id);

    for (const exchange of ['kraken', 'paper']) {
      const mismatched = await app.http('POST', '/bots', botBody({ exchange, exchangeAccountId: live.id }));
      expect(mismatched.status).toBe(400);
      expect(mismatched.body.fields).toEqual([{ field: 'exchange', message: expect.stringContaining('"binance"') }]);
    }
    const unknown = await app.http('POST', '/bots', botBody({ exchangeAccountId: randomUUID() }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.fields).toEqual([{ field: 'exchangeAccountId', message: expect.stringContaining('no exchange account') }]);
    const unnamed = await app.http('POST', '/bots', botBody());
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.fields).toEqual([{ field: 'exchangeAccountId', message: expect.stringContaining('is required') }]);
  });

  it('lists the orders placed through the account', async () => {
    const trigger = await recordTrigger(liveBot.conditions[0].id);
    await app.get(TriggerRouter).route(trigger);
    await app.get(OrderPlacer).idle();

    const orders = await app.http('GET', `/exchange-accounts/${live.id}/orders`);
    expect(orders.status).toBe(200);
    expect(orders.body.nextCursor).toBeNull();
    expect(orders.body.items).toEqual([expect.objectContaining({
      exchangeAccountId: live.id, botId: liveBot.id, triggerId: trigger.triggerId, symbol: 'BTC/USDT', side: 'buy', type: 'market',
      quoteAmount: 50, status: 'filled', filled: 0.00166, average: 30_000, error: null,
    })]);
    const placed = binance.state.account.orders.find((o) => o.clientOrderId === orders.body.items[0].clientOrderId);
    expect(orders.body.items[0].exchangeOrderId).toBe(String(placed?.orderId));
    expectNoSecrets(orders.body);
    // Another account's list does not show them.
    const paper = (await app.http('GET', '/exchange-accounts')).body.find((a: any) => a.label === 'paper 2');
    expect((await app.http('GET', `/exchange-accounts/${paper.id}/orders`)).body.items).toEqual([]);
  });

  it('refuses to delete the account while a bot trades through it, then erases its credentials', async () => {
    const refused = await app.http('DELETE', `/exchange-accounts/${live.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'EXCHANGE_ACCOUNT_IN_USE' });
    expect((await app.http('GET', `/exchange-accounts/${live.id}`)).status).toBe(200);

    expect((await app.http('DELETE', `/bots/${liveBot.id}`)).status).toBe(204);
    const deleted = await app.http('DELETE', `/exchange-accounts/${live.id}`);
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(204);

    expect((await app.http('GET', `/exchange-accounts/${live.id}`)).status).toBe(404);
    expect((await app.http('GET', '/exchange-accounts')).body.map((a: any) => a.id)).not.toContain(live.id);
    const [row] = (await db.query(`SELECT credentials, deleted_at FROM exchange_accounts WHERE id = $1`, [live.id])).rows;
    expect(row).toEqual({ credentials: null, deleted_at: expect.any(Date) });
    // Its orders stay on record.
    expect((await db.query(`SELECT count(*)::int AS n FROM orders WHERE exchange_account_id = $1`, [live.id])).rows[0].n).toBe(1);
    const orphan = await app.http('POST', '/bots', botBody({ exchangeAccountId: live.id }));
    expect(orphan.status).toBe(400);
  });

  /** A trigger of the condition's last closed quarter, recorded as already published: the test routes it itself. */
  async function recordTrigger(conditionId: string): Promise<TriggerFiredV1> {
    const candleOpenTime = Math.floor(Date.now() / QUARTER) * QUARTER - QUARTER;
    const trigger: TriggerFiredV1 = {
      triggerId: randomUUID(), conditionId, conditionKey: 'k', candleOpenTime, candleCloseTime: candleOpenTime + QUARTER, values: { lhs: 25, rhs: 31, close: 30_000 },
    };
    await db.query(
      `INSERT INTO triggers (id, condition_id, candle_open_time, candle_close_time, "values", published_at) VALUES ($1, $2, $3, $4, $5, now())`,
      [trigger.triggerId, conditionId, new Date(candleOpenTime), new Date(trigger.candleCloseTime), trigger.values],
    );
    return trigger;
  }
});
