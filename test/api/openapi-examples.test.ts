import { randomBytes } from 'node:crypto';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CcxtExchangeFactory } from '../../src/exchange/index.js';
import { OrderPlacer } from '../../src/trading/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { start, type FakeBinance } from '../support/fake-binance/fake-binance.server.js';
import { FakeCcxtFactory } from '../support/fake-ccxt-factory.js';
import { openDeal } from '../support/fuzz-fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { bodyExamples, type BodyExample } from './openapi-document.js';

/** Creations whose ids later examples need, first; what ends things (closing a deal, the kill switch), last. */
const FIRST = ['POST /accounts', 'POST /accounts/{id}/tokens', 'POST /exchange-accounts', 'POST /bots', 'POST /bots/preview', 'POST /bots/{id}/signal-secret', 'POST /signals/{botId}'];
const LAST = ['POST /deals/{id}/close', 'POST /exchange-accounts/{id}/kill-switch'];
/** Path parameters named after another resource than the path's first segment. */
const RESOURCE_OF_PARAM: Record<string, string> = { botId: 'bots' };

const rank = (example: BodyExample) => {
  const route = `${example.method} ${example.path}`;
  if (FIRST.includes(route)) return FIRST.indexOf(route);
  if (LAST.includes(route)) return 1000 + LAST.indexOf(route);
  return 500;
};

/**
 * Every example body the OpenAPI document shows is one the API accepts: each is sent, in an order where the ids it
 * needs exist, to the app as it runs, and must succeed. The live exchange account example talks to a fake Binance
 * that takes the example's credentials.
 */
describe('OpenAPI examples', () => {
  let binance: FakeBinance;
  let factory: FakeCcxtFactory;
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;
  /** Ids of what the examples created, by the path's first segment (`bots`, `exchange-accounts`, ...). */
  const ids: Record<string, string> = {};
  let signalSecret: string | undefined;
  let firstBot: { id: string; conditions: { id: string }[] } | undefined;

  beforeAll(async () => {
    binance = await start({ apiKey: 'your-api-key', secret: 'your-api-secret', balances: { USDT: 10_000 } });
    factory = new FakeCcxtFactory(binance.url);
    database = await createTestDatabase('openapi_examples');
    db = await connect(database.url);
    app = await startTestApp(
      { DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'simulated', SECRETS_KEY: randomBytes(32).toString('hex'), LOG_LEVEL: 'error' },
      undefined,
      [{ provide: CcxtExchangeFactory, useValue: factory }],
    );
  });

  afterAll(async () => {
    await app?.get(OrderPlacer).idle();
    await app?.close();
    await factory?.close();
    await binance?.close();
    await db?.end();
    await database?.drop();
  });

  /** The id a path parameter stands for, from what earlier examples created; undefined when none did. */
  async function idFor(resource: string): Promise<string | undefined> {
    if (resource === 'deals' && !ids.deals && firstBot) {
      const deal = await openDeal(app, db, firstBot);
      if (deal) ids.deals = deal;
    }
    return ids[resource];
  }

  function remember(example: BodyExample, body: any): void {
    const segments = example.path.split('/').filter(Boolean);
    if (segments.length === 1) ids[segments[0]] ??= body?.id ?? body?.account?.id;
    if (example.path === '/bots') firstBot ??= body;
    if (example.path === '/accounts') ids.tokens ??= body?.tokenId;
    if (example.path === '/bots/{id}/signal-secret') signalSecret = body?.secret;
  }

  it('accepts every request body example of the document', async () => {
    const document: OpenAPIObject = (await app.http('GET', '/docs-json', undefined, { token: null })).body;
    const examples = bodyExamples(document).sort((a, b) => rank(a) - rank(b));
    const routes = examples.map((example) => `${example.method} ${example.path}`);
    expect(routes, 'the routes this test orders are in the document').toEqual(expect.arrayContaining([...FIRST, ...LAST]));
    for (const example of examples) {
      const label = `${example.method} ${example.path} example "${example.name}"`;
      let path = example.path;
      for (const [placeholder, name] of example.path.matchAll(/\{(\w+)\}/g)) {
        const resource = RESOURCE_OF_PARAM[name] ?? example.path.split('/')[1];
        const id = await idFor(resource);
        expect(id, `${label}: no ${resource} for {${name}}; create one in an earlier example (FIRST) or map the parameter (RESOURCE_OF_PARAM)`).toBeDefined();
        path = path.replace(placeholder, id!);
      }
      // The signal secret is shown once, when signals are turned on: the example carries a placeholder.
      const body = example.path === '/signals/{botId}' ? { ...(example.value as object), secret: signalSecret } : example.value;
      const answer = await app.http(example.method, path, body);
      expect(answer.status >= 200 && answer.status < 300, `${label} → ${answer.status} ${JSON.stringify(answer.body)}`).toBe(true);
      remember(example, answer.body);
    }
  });
});
