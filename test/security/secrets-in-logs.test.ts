import { randomBytes, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TriggerRouter } from '../../src/notifier/index.js';
import { OrderPlacer, OrderReconciler } from '../../src/trading/index.js';
import { TriggerRelay } from '../../src/triggers/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { startFundedFakeBinance, type FundedFakeBinance } from '../support/fake-binance/funded-fake-binance.js';
import { RawHttpClient } from '../support/fuzz-client.js';
import { fireTrigger } from '../support/fuzz-fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';
import { forbiddenForms, OutputTap } from './log-capture.js';

/** Distinctive per run, so that finding one anywhere in the output is a leak and not a coincidence. */
const ADMIN_TOKEN = `admin${randomBytes(20).toString('hex')}`;
const SECRETS_KEY_BYTES = randomBytes(32);
const SECRETS_KEY = SECRETS_KEY_BYTES.toString('hex');
const API_KEY = `key${randomBytes(16).toString('hex')}`;
const SECRET = `secret${randomBytes(24).toString('hex')}`;
const PASSWORD = `pass${randomBytes(10).toString('hex')}`;
/** Credentials a client or a proxy in front of the app may send in other headers than Authorization. */
const OTHER_CREDENTIAL_HEADERS = {
  'proxy-authorization': `Basic ${randomBytes(18).toString('base64')}`,
  'x-api-key': `xkey${randomBytes(16).toString('hex')}`,
  'x-auth-token': `xtok${randomBytes(16).toString('hex')}`,
  'x-webhook-secret': `xwh${randomBytes(16).toString('hex')}`,
};

describe('secrets never reach the logs', () => {
  const tap = new OutputTap();
  let binance: FundedFakeBinance;
  let database: TestDatabase;
  let db: Client;
  let app: TestApp | undefined;
  let client: RawHttpClient;
  let output = '';

  async function call(method: string, path: string, body?: object | string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const text = typeof body === 'string' ? body : body && JSON.stringify(body);
    const response = await client.send({
      method, path, body: text, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(text !== undefined && { 'content-type': 'application/json' }), ...headers },
    });
    let parsed: unknown = response.text;
    try {
      parsed = JSON.parse(response.text);
    } catch {
      // Kept as text.
    }
    return { status: response.status, body: parsed };
  }

  async function created(path: string, body: object): Promise<any> {
    const response = await call('POST', path, body);
    expect(response.status, `POST ${path}: ${JSON.stringify(response.body)}`).toBe(201);
    return response.body;
  }

  beforeAll(async () => {
    binance = await startFundedFakeBinance({ apiKey: API_KEY, secret: SECRET }, 5_000);
    database = await createTestDatabase('security_secrets_in_logs');
    db = await connect(database.url);
  });

  afterAll(async () => {
    tap.uninstall();
    await app?.close();
    await binance?.close();
    await db?.end();
    await database?.drop();
  });

  it('runs a full flow at LOG_LEVEL debug: live account, bots, an order, bad requests carrying the secrets, shutdown', async () => {
    tap.install();
    try {
      app = await startTestApp(
        { DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'simulated', LOG_LEVEL: 'debug', LOG_FORMAT: 'json', ADMIN_TOKEN, SECRETS_KEY },
        undefined,
        [binance.override],
      );
      client = new RawHttpClient(app.baseUrl, 4);
      await runFlow();
      client.close();
      await app.close();
      app = undefined;
    } finally {
      tap.uninstall();
      output = tap.text;
    }
  });

  async function runFlow(): Promise<void> {
    const live = await created('/exchange-accounts', { exchange: 'binance', label: 'binance main', apiKey: API_KEY, secret: SECRET, password: PASSWORD });
    const paper = await created('/exchange-accounts', { exchange: 'paper', label: 'paper', balances: { USDT: 5000 } });
    const condition = { timeframe: '15m', indicator: 'rsi', operator: 'lt', value: 31 };
    const liveBot = await created('/bots', { name: 'live dca', type: 'dca', exchange: 'binance', exchangeAccountId: live.id, symbol: 'BTC/USDT', conditions: [condition], dca: { baseOrderSize: 50 } });
    const paperBot = await created('/bots', { name: 'paper dca', type: 'dca', exchange: 'paper', exchangeAccountId: paper.id, symbol: 'BTC/USDT', conditions: [{ ...condition, value: 29 }], dca: { baseOrderSize: 50 } });

    for (const path of ['/exchange-accounts', `/exchange-accounts/${live.id}`, `/exchange-accounts/${live.id}/balance`, '/bots', '/conditions', '/triggers', '/deals']) {
      expect((await call('GET', path)).status, path).toBe(200);
    }
    // A live order, signed with the sealed credentials, and a paper one; a trigger routed twice logs at debug level.
    const liveTrigger = await fireTrigger(app!, db, liveBot.conditions[0].id);
    await fireTrigger(app!, db, paperBot.conditions[0].id);
    await app!.get(TriggerRouter).route(liveTrigger);
    await app!.get(OrderReconciler).runOnce();
    await app!.get(OrderPlacer).idle();
    expect(binance.server.count('POST /api/v3/order'), 'an order reached the exchange').toBeGreaterThan(0);
    // And one through the outbox, the bus and the notifier's consumer, which log at debug level what they move.
    const quarter = 15 * 60_000;
    const earlier = Math.floor(Date.now() / quarter) * quarter - 3 * quarter;
    const relayed = randomUUID();
    await db.query(`INSERT INTO triggers (id, condition_id, candle_open_time, candle_close_time, "values") VALUES ($1, $2, $3, $4, '{}')`, [
      relayed, liveBot.conditions[0].id, new Date(earlier), new Date(earlier + quarter),
    ]);
    await app!.get(TriggerRelay).drain();
    await waitFor(async () => (await db.query(`SELECT handled_at FROM triggers WHERE id = $1`, [relayed])).rows[0].handled_at !== null, 10_000, 'relayed trigger handled');
    await app!.get(OrderPlacer).idle();

    // A request that logs while it runs (each line carries its request's headers): the token and cookies must be redacted.
    const withCookies = await call('POST', '/exchange-accounts', { exchange: 'paper', label: 'cookies' }, { cookie: `key=${SECRETS_KEY}; secret=${SECRET}` });
    expect(withCookies.status, JSON.stringify(withCookies.body)).toBe(201);
    const withOtherHeaders = await call('POST', '/exchange-accounts', { exchange: 'paper', label: 'other headers' }, OTHER_CREDENTIAL_HEADERS);
    expect(withOtherHeaders.status, JSON.stringify(withOtherHeaders.body)).toBe(201);

    // Bad requests carrying the secrets in bodies and headers.
    const liveBody = { exchange: 'binance', label: 'again', apiKey: API_KEY, secret: SECRET, password: PASSWORD };
    const refusals: [string, string, object | string, Record<string, string>?][] = [
      ['POST', '/exchange-accounts', { ...liveBody, token: ADMIN_TOKEN }],
      ['POST', '/exchange-accounts', { ...liveBody, secret: `${SECRET}x` }],
      ['POST', '/exchange-accounts', { ...liveBody, exchange: 'nowhere' }],
      ['POST', '/exchange-accounts', { ...liveBody, balances: { USDT: 1 } }],
      ['POST', '/exchange-accounts', `{"apiKey":"${API_KEY}","secret":"${SECRET}","password":"${PASSWORD}",`],
      ['POST', '/exchange-accounts', `{"exchange":"binance","label":"x","apiKey":"${API_KEY}","secret":${SECRET}}`],
      ['POST', '/bots', { name: SECRETS_KEY, apiKey: API_KEY, secret: SECRET, adminToken: ADMIN_TOKEN }],
      ['PUT', `/exchange-accounts/${live.id}/risk`, { maxExposure: API_KEY, password: PASSWORD }],
      ['GET', `/exchange-accounts/${API_KEY}`, ''],
      ['GET', `/bots/${randomUUID()}`, '', { cookie: `session=${SECRETS_KEY}` }],
    ];
    for (const [method, path, body, headers] of refusals) {
      const answer = await call(method, path, body === '' ? undefined : body, headers);
      expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
    }

    // A failure logged the way the app logs one ({ err, ...context }), carrying the secrets at every level a careless
    // caller could put them: beside the ids, inside the context, and on the error (an HTTP client's request headers).
    const failure = Object.assign(new Error('exchange refused the request'), {
      apiKey: API_KEY,
      request: { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-api-key': API_KEY }, secret: SECRET },
    });
    new Logger('SecretsProbe').error(
      { err: failure, botId: liveBot.id, apiKey: API_KEY, secret: SECRET, password: PASSWORD, webhookSecret: SECRET, account: { credentials: { apiKey: API_KEY } } },
      'failure carrying secrets',
    );

    // Wind down: the live bot and its account go, erasing the credentials.
    await app!.get(OrderPlacer).idle();
    expect((await call('DELETE', `/bots/${liveBot.id}`)).status).toBe(204);
    expect((await call('DELETE', `/exchange-accounts/${live.id}`)).status).toBe(204);
  }

  it('logged the flow: JSON lines at debug level, the account created, the bots, the orders', () => {
    const lines = output.split('\n').flatMap((line) => {
      try {
        return [JSON.parse(line) as { level: number; msg?: string }];
      } catch {
        return [];
      }
    });
    expect(lines.length, output.slice(0, 2000)).toBeGreaterThan(20);
    const messages = lines.map((line) => line.msg ?? '');
    expect(messages).toEqual(expect.arrayContaining(['live exchange account created', 'paper exchange account created', 'bot created', 'exchange account deleted']));
    expect(lines.some((line) => line.level === 20), 'debug lines are on').toBe(true);
  });

  it('redacts secrets handed to the logger with a failure, and keeps the ids beside them', () => {
    const line = output.split('\n').find((text) => text.includes('"failure carrying secrets"'));
    expect(line, 'the failure was logged').toBeDefined();
    const logged = JSON.parse(line!);
    expect(logged).toMatchObject({
      botId: expect.any(String), apiKey: '[redacted]', secret: '[redacted]', password: '[redacted]', webhookSecret: '[redacted]', account: { credentials: '[redacted]' },
      err: { message: 'exchange refused the request', apiKey: '[redacted]', request: { headers: { authorization: '[redacted]', 'x-api-key': '[redacted]' }, secret: '[redacted]' } },
    });
  });

  it('holds none of the configured secrets, in clear, hex or base64', () => {
    expect(output.length).toBeGreaterThan(0);
    // Request lines carry the request's id, method and url, never its headers.
    expect(output).toMatch(/"req":\{"id":"req-\d+","method":"[A-Z]+","url":"[^"]*"\}/);
    // (The failure logged on purpose with request headers names them, their values redacted; no other line does.)
    const otherLines = output.split('\n').filter((line) => !line.includes('"failure carrying secrets"')).join('\n');
    expect(otherLines).not.toMatch(/"authorization"|"cookie"|"x-api-key"|"proxy-authorization"/i);
    const leaks = forbiddenForms({ ADMIN_TOKEN, SECRETS_KEY, apiKey: API_KEY, secret: SECRET, password: PASSWORD }, SECRETS_KEY_BYTES)
      .filter(({ text }) => output.includes(text))
      .map(({ name, text }) => {
        const at = output.indexOf(text);
        return `${name}: …${output.slice(Math.max(0, at - 300), at + text.length + 100)}…`;
      });
    expect(leaks, leaks.join('\n\n')).toEqual([]);
  });

  it('redacts the other credential headers a request may carry (Proxy-Authorization, X-Api-Key)', () => {
    const leaked = Object.entries(OTHER_CREDENTIAL_HEADERS).filter(([, value]) => output.includes(value)).map(([header]) => header);
    const context = leaked.length > 0 ? output.slice(output.indexOf(OTHER_CREDENTIAL_HEADERS[leaked[0] as keyof typeof OTHER_CREDENTIAL_HEADERS]) - 400).slice(0, 700) : '';
    expect(leaked, `logged in clear: ${context}`).toEqual([]);
  });
});
