import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_JSON_PATH, DOCS_PATH } from '../../src/openapi/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { startFundedFakeBinance, type FundedFakeBinance } from '../support/fake-binance/funded-fake-binance.js';
import { mapBounded, RawHttpClient } from '../support/fuzz-client.js';
import { fixturesOf, openDeal, RSI_DIP, sampleBodies, sampleQueries, type ExistingIds } from '../support/fuzz-fixtures.js';
import { fuzzSeed, Rng } from '../support/seeded-random.js';
import { FuzzRequestGenerator, type FuzzRequest } from '../support/fuzz-requests.js';
import { servedRoutesOf, routesOf, type Route } from '../support/fuzz-routes.js';
import { problemsOf } from '../support/fuzz-verdict.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const REQUESTS = 10_000;
const CONCURRENCY = 16;
const SEED = fuzzSeed(20_240_601);
const ADMIN_TOKEN = `admin${randomBytes(16).toString('hex')}`;
const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };
const API_KEY = `key${randomBytes(12).toString('hex')}`;
const SECRET = `secret${randomBytes(16).toString('hex')}`;
/** The API's default account: the admin token acts for it. */
const DEFAULT_ACCOUNT_ID = '00000000-0000-4000-8000-000000000001';

const excerpt = (value: unknown, length = 300) => {
  const text = Buffer.isBuffer(value) ? `<${value.length} bytes>` : String(value ?? '');
  return text.length > length ? `${text.slice(0, length)}… (${text.length} chars)` : text;
};
const countBy = <T>(items: T[], key: (item: T) => string) =>
  items.reduce<Record<string, number>>((counts, item) => ({ ...counts, [key(item)]: (counts[key(item)] ?? 0) + 1 }), {});

describe('hostile input on every route', () => {
  let binance: FundedFakeBinance;
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;
  let client: RawHttpClient;
  let routes: Route[];
  let ids: ExistingIds;
  let liveId: string;
  let signalSecret: string;

  /** A well-formed request with the admin token: the fixtures the fuzzing starts from. */
  async function call(method: string, path: string, body?: object): Promise<{ status: number; body: any }> {
    const response = await client.send({ method, path, headers: { ...AUTH, ...(body && { 'content-type': 'application/json' }) }, body: body && JSON.stringify(body) });
    return { status: response.status, body: response.text ? JSON.parse(response.text) : undefined };
  }

  async function created(path: string, body: object): Promise<any> {
    const response = await call('POST', path, body);
    expect(response.status, `POST ${path}: ${JSON.stringify(response.body)}`).toBe(201);
    return response.body;
  }

  beforeAll(async () => {
    // In this process, under fuzzing load: a generous timeout, so that a slow answer is not taken for an unreachable exchange (502).
    binance = await startFundedFakeBinance({ apiKey: API_KEY, secret: SECRET }, 10_000);
    database = await createTestDatabase('security_fuzz');
    db = await connect(database.url);
    app = await startTestApp(
      {
        DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'simulated', EVALUATOR_CRON: 'off', LOG_LEVEL: 'fatal',
        SECRETS_KEY: randomBytes(32).toString('hex'), ADMIN_TOKEN, RATE_LIMIT_PER_MINUTE: '1000000',
      },
      undefined,
      [binance.override],
    );
    client = new RawHttpClient(app.baseUrl, CONCURRENCY);
    routes = routesOf(app.app);

    liveId = (await created('/exchange-accounts', { exchange: 'binance', label: 'live', apiKey: API_KEY, secret: SECRET })).id;
    const paperId = (await created('/exchange-accounts', { exchange: 'paper', label: 'paper', balances: { USDT: 100_000 } })).id;
    const bots = [
      await created('/bots', RSI_DIP),
      await created('/bots', { ...RSI_DIP, name: 'on account', exchangeAccountId: paperId, conditions: [{ ...RSI_DIP.conditions[0], value: 25 }] }),
      await created('/bots', { ...RSI_DIP, name: 'live', exchange: 'binance', exchangeAccountId: liveId, start: false }),
    ];
    const victims = await Promise.all([1, 2, 3].map((n) => created('/bots', { ...RSI_DIP, name: `victim ${n}` })));
    const victimAccounts = await Promise.all([1, 2].map((n) => created('/exchange-accounts', { exchange: 'paper', label: `victim ${n}` })));
    const deal = await openDeal(app, db, bots[1]);
    signalSecret = (await created(`/bots/${bots[0].id}/signal-secret`, { maxLag: 120 })).secret;
    ids = {
      bots: bots.map((b) => b.id), conditions: bots.flatMap((b) => b.conditions.map((c: { id: string }) => c.id)), accounts: [liveId, paperId],
      deals: deal ? [deal] : [], signalBots: [bots[0].id], userAccounts: [DEFAULT_ACCOUNT_ID],
      victimBots: victims.map((b) => b.id), victimAccounts: victimAccounts.map((a) => a.id),
    };
  });

  afterAll(async () => {
    client?.close();
    await app?.close();
    await binance?.close();
    await db?.end();
    await database?.drop();
  });

  it('builds its route table from the app: every route the server serves, each with its body and query DTO', () => {
    const table = routes.map((r) => `${r.method} ${r.path}`);
    // Swagger UI and the OpenAPI document take no input (test/api/openapi.test.ts covers them): not the fuzzer's.
    const docs = new RegExp(`^GET /(${DOCS_PATH}|${DOCS_JSON_PATH})(/|$)`);
    expect(servedRoutesOf(app.app).filter((route) => !table.includes(route) && !docs.test(route)), 'routes the fuzzer would miss').toEqual([]);
    expect(table).toEqual(expect.arrayContaining(['POST /bots', 'GET /bots/:id/orders', 'PUT /exchange-accounts/:id/risk', 'POST /deals/:id/close']));
    expect(routes.find((r) => r.path === '/bots' && r.method === 'POST')?.body?.name).toBe('CreateBotDto');
    expect(routes.find((r) => r.path === '/triggers')?.query?.name).toBe('TriggersQuery');
    expect(ids.deals, 'a deal for the /deals/:id routes').toHaveLength(1);
  });

  it('recognises what it looks for: a 5xx, a stack trace, an error class, a 400 naming nothing or not the unknown field', () => {
    const fields = (...names: string[]) => JSON.stringify({ statusCode: 400, fields: names.map((field) => ({ field, message: 'bad' })) });
    expect(problemsOf({ status: 502, text: '' }, { method: 'GET' })).toEqual(['status 502']);
    expect(problemsOf({ status: 400, text: 'TypeError: x\n    at map (/app/src/bots/bot.view.ts:48:20)' }, { method: 'POST' }).length).toBeGreaterThan(1);
    expect(problemsOf({ status: 404, text: '{"message":"QueryFailedError: invalid input"}' }, { method: 'GET' })).toHaveLength(1);
    expect(problemsOf({ status: 400, text: '{"statusCode":400,"error":"X"}' }, { method: 'GET' })).toEqual(['a 400 without a fields array naming each field (X)']);
    expect(problemsOf({ status: 400, text: fields('') }, { method: 'GET' })).toHaveLength(1);
    expect(problemsOf({ status: 400, text: fields('name') }, { method: 'POST', unknownField: 'dca.x12ab34' })).toHaveLength(1);
    expect(problemsOf({ status: 400, text: fields('name', 'dca.x12ab34') }, { method: 'POST', unknownField: 'dca.x12ab34' })).toEqual([]);
    expect(problemsOf({ status: 201, text: '{}' }, { method: 'POST', unknownField: 'x12ab34' })).toHaveLength(1);
  });

  it(`answers ${REQUESTS} malformed requests without a 5xx, a stack trace, or a 400 that names no field (seed ${SEED})`, async () => {
    const bodies = sampleBodies({ id: liveId, apiKey: API_KEY, secret: SECRET }, signalSecret);
    const queries = sampleQueries({ botId: ids.bots[0], conditionId: ids.conditions[0] });
    const generator = new FuzzRequestGenerator(new Rng(SEED), routes, fixturesOf(ids, bodies, queries, AUTH));
    /** One example per kind of failure (problems, request kind, route), with how often it happened. */
    const failures = new Map<string, { count: number; example: string }>();
    const outcomes: { kind: string; route: string; status: number }[] = [];
    const startedAt = Date.now();
    await mapBounded(Array.from({ length: REQUESTS }, (_, i) => i), CONCURRENCY, async (index) => {
      const request = generator.next();
      const response = await client.send(request);
      outcomes.push({ kind: request.kind, route: request.route, status: response.status });
      const problems = problemsOf(response, request);
      if (problems.length === 0) return;
      const signature = `${problems.map((p) => p.replace(/x[0-9a-f]{6}/g, 'x…')).join(', ')} — ${request.kind} ${request.method} on route ${request.route}`;
      const seen = failures.get(signature);
      if (seen) seen.count++;
      else failures.set(signature, { count: 1, example: describeFailure(index, request, response.status, response.text) });
    });
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    const byStatus = countBy(outcomes, (o) => String(o.status));
    const byRoute = countBy(outcomes, (o) => o.route);
    const summary = `seed ${SEED}, ${outcomes.length} requests in ${seconds} s; by status ${JSON.stringify(byStatus)}; by kind ${JSON.stringify(countBy(outcomes, (o) => o.kind))}`;
    const report = [...failures].map(([signature, { count, example }]) => `${count}× ${signature}\n${example}`);

    expect(report, `${summary}\nreplay with FUZZ_SEED=${SEED}\n${report.join('\n')}`).toEqual([]);
    expect(outcomes.length, summary).toBe(REQUESTS);
    expect(Math.min(...routes.map((r) => byRoute[`${r.method} ${r.path}`] ?? 0)), `every route fuzzed: ${JSON.stringify(byRoute)}`).toBeGreaterThanOrEqual(30);
    expect(byStatus['400'] ?? 0, `most answers are 400s naming the field: ${summary}`).toBeGreaterThan(REQUESTS / 2);
    // The app still works after all that.
    expect((await call('GET', `/exchange-accounts/${liveId}`)).status).toBe(200);
  }, 180_000);
});

function describeFailure(index: number, request: FuzzRequest, status: number, text: string): string {
  return [
    `  #${index} ${request.kind} ${request.method} ${excerpt(request.path, 200)}`,
    `  headers ${excerpt(JSON.stringify(request.headers), 200)} mutations ${JSON.stringify(request.mutations ?? [])}`,
    `  body ${excerpt(request.body)}`,
    `  → ${status} ${excerpt(text)}`,
  ].join('\n');
}
