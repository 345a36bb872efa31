import { createHash, randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_CACHE_MS } from '../../src/access/api-tokens.service.js';
import { AppConfig } from '../../src/config/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { openDeal, RSI_DIP } from '../support/fuzz-fixtures.js';
import { routesOf } from '../support/fuzz-routes.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

/** Routes anyone may call: the probes (health, metrics), and signals (authenticated by the bot's own signal secret). */
const PUBLIC_ROUTES = ['GET /health', 'GET /metrics', 'POST /signals/:botId'];
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('access: API tokens, accounts that see only their own, rate limits', () => {
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;

  /** An account made by the admin, with a client that sends its token. */
  async function account(name: string) {
    const created = await app.http('POST', '/accounts', { name });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { account: { id }, token, tokenId } = created.body;
    const http = (method: string, path: string, body?: unknown) => app.http(method, path, body, { token });
    return { id, token, tokenId, http };
  }

  /** The raw answer, headers included. */
  function raw(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${app.baseUrl}${path}`, init);
  }

  beforeAll(async () => {
    database = await createTestDatabase('access');
    db = await connect(database.url);
    app = await startTestApp({ DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'simulated' });
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
  });

  it('answers 401 on every route but health and signals, without a token and with a bad one', async () => {
    const routes = routesOf(app.app).map((route) => ({ ...route, name: `${route.method} ${route.path}` }));
    expect(routes.length).toBeGreaterThan(25);
    expect(routes.map((route) => route.name)).toEqual(expect.arrayContaining([...PUBLIC_ROUTES, 'POST /accounts', 'DELETE /tokens/:id']));
    for (const route of routes.filter((r) => !PUBLIC_ROUTES.includes(r.name))) {
      const path = route.path.replace(/:\w+/g, () => randomUUID());
      const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined;
      for (const token of [null, 'tbo_not-a-token', app.adminToken.slice(0, -1)]) {
        const answer = await app.http(route.method, path, body, { token });
        expect(answer.status, `${route.name} with ${token === null ? 'no token' : 'a bad token'}`).toBe(401);
        expect(answer.body).toMatchObject({ error: 'UNAUTHORIZED', message: expect.stringContaining('Authorization: Bearer') });
      }
    }
    const unauthenticated = await raw('/bots', { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('leaves health and signals public', async () => {
    expect((await app.http('GET', '/health', undefined, { token: null })).status).toBe(200);
    // Signals answer by their own secret: 401 SIGNAL_REFUSED, not the API's UNAUTHORIZED.
    const signal = await app.http('POST', `/signals/${randomUUID()}`, { action: 'buy', secret: 'sig_wrong' }, { token: null });
    expect(signal).toMatchObject({ status: 401, body: { error: 'SIGNAL_REFUSED' } });
  });

  it('lets only the admin token create accounts, and answers with the account and its first token, once', async () => {
    const alice = await account('alice');
    expect(alice.token).toMatch(/^tbo_[\w-]{43}$/);
    expect((await app.http('POST', '/accounts', { name: 'x' }, { token: alice.token })).status).toBe(403);
    expect((await app.http('POST', '/accounts', { name: 'x' }, { token: null })).status).toBe(401);
    expect((await app.http('POST', '/accounts', {})).body.fields.map((f: { field: string }) => f.field)).toContain('name');
    expect((await alice.http('GET', '/bots')).body).toEqual({ items: [], nextCursor: null });
  });

  it('stores only hashes of tokens', async () => {
    const bob = await account('bob');
    const extra = await bob.http('POST', `/accounts/${bob.id}/tokens`, { label: 'ci' });
    expect(extra.status).toBe(201);
    const { rows } = await db.query(`SELECT * FROM api_tokens WHERE account_id = $1 ORDER BY created_at`, [bob.id]);
    expect(rows.map((row) => row.token_hash)).toEqual([sha256(bob.token), sha256(extra.body.token)]);
    const stored = JSON.stringify((await db.query(`SELECT * FROM api_tokens`)).rows);
    expect(stored).not.toContain(bob.token);
    expect(stored).not.toContain(extra.body.token);
    expect(stored).not.toContain(app.adminToken);
  });

  it('issues tokens to the admin or the account itself, and revokes them at once', async () => {
    const carol = await account('carol');
    const dave = await account('dave');
    const second = await carol.http('POST', `/accounts/${carol.id}/tokens`, { label: 'laptop' });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ id: expect.any(String), token: expect.stringMatching(/^tbo_/), label: 'laptop' });
    const byAdmin = await app.http('POST', `/accounts/${carol.id}/tokens`, {});
    expect(byAdmin.status).toBe(201);
    expect((await dave.http('POST', `/accounts/${carol.id}/tokens`, {})).status).toBe(404);
    expect((await app.http('POST', `/accounts/${randomUUID()}/tokens`, {})).status).toBe(404);

    const withSecond = (method: string, path: string) => app.http(method, path, undefined, { token: second.body.token });
    expect((await withSecond('GET', '/bots')).status).toBe(200);
    expect((await dave.http('DELETE', `/tokens/${second.body.id}`)).status).toBe(404);
    expect((await withSecond('GET', '/bots')).status).toBe(200);
    expect((await carol.http('DELETE', `/tokens/${second.body.id}`)).status).toBe(204);
    expect((await withSecond('GET', '/bots')).status).toBe(401);
    expect((await carol.http('DELETE', `/tokens/${second.body.id}`)).status).toBe(204);
    expect((await carol.http('DELETE', `/tokens/${randomUUID()}`)).status).toBe(404);

    // The admin may revoke any account's token, the account's last one included.
    expect((await app.http('DELETE', `/tokens/${carol.tokenId}`)).status).toBe(204);
    expect((await carol.http('GET', '/bots')).status).toBe(401);
    expect((await app.http('GET', '/bots', undefined, { token: byAdmin.body.token })).status).toBe(200);
  });

  it('refuses a token revoked through another replica within TOKEN_CACHE_MS', async () => {
    const gina = await account('gina');
    expect((await gina.http('GET', '/bots')).status).toBe(200);
    // Another replica revokes it: this process learns it from Postgres once its cached lookup has expired.
    await db.query(`UPDATE api_tokens SET revoked_at = now() WHERE id = $1`, [gina.tokenId]);
    const revokedAt = Date.now();
    await waitFor(async () => (await gina.http('GET', '/bots')).status === 401, TOKEN_CACHE_MS + 2_000);
    expect(Date.now() - revokedAt).toBeLessThanOrEqual(TOKEN_CACHE_MS + 2_000);
  });

  it('shows an account only its own bots, exchange accounts, deals, orders, risk and triggers: another account’s are 404', async () => {
    const erin = await account('erin');
    const frank = await account('frank');
    // Without an exchange account of its own, a paper bot has nothing to trade through.
    const noAccount = await erin.http('POST', '/bots', RSI_DIP);
    expect(noAccount.status).toBe(400);
    expect(noAccount.body.fields).toEqual([expect.objectContaining({ field: 'exchangeAccountId' })]);

    const exchange = (await erin.http('POST', '/exchange-accounts', { exchange: 'paper', label: 'erin paper', balances: { USDT: 10_000 } })).body;
    const created = await erin.http('POST', '/bots', { ...RSI_DIP, exchangeAccountId: exchange.id });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const bot = created.body;
    const dealId = await openDeal(app, db, bot);
    expect(dealId, 'a deal for the bot').toBeDefined();

    // Erin sees hers.
    expect((await erin.http('GET', '/bots')).body.items.map((b: any) => b.id)).toEqual([bot.id]);
    expect((await erin.http('GET', `/deals/${dealId}`)).status).toBe(200);
    expect((await erin.http('GET', `/deals?botId=${bot.id}`)).body.items).toHaveLength(1);
    expect((await erin.http('GET', `/triggers?botId=${bot.id}`)).body.items.length).toBeGreaterThan(0);
    expect((await erin.http('GET', `/exchange-accounts/${exchange.id}/risk`)).status).toBe(200);

    // Frank, and the admin (the default account), see none of it, and cannot change it.
    for (const other of [frank.http, (method: string, path: string, body?: unknown) => app.http(method, path, body)]) {
      expect((await other('GET', '/bots?limit=1000')).body.items.map((b: any) => b.id)).not.toContain(bot.id);
      expect((await other('GET', '/exchange-accounts')).body.map((a: any) => a.id)).not.toContain(exchange.id);
      expect((await other('GET', '/deals')).body.items.map((d: any) => d.id)).not.toContain(dealId);
      expect((await other('GET', `/deals?botId=${bot.id}`)).body.items).toEqual([]);
      expect((await other('GET', `/triggers?botId=${bot.id}`)).body.items).toEqual([]);
      const notFound: [string, string, unknown?][] = [
        ['GET', `/bots/${bot.id}`], ['POST', `/bots/${bot.id}/stop`], ['POST', `/bots/${bot.id}/start`], ['GET', `/bots/${bot.id}/orders`],
        ['GET', `/bots/${bot.id}/stats`], ['GET', `/bots/${bot.id}/grid`], ['POST', `/bots/${bot.id}/signal-secret`, {}], ['DELETE', `/bots/${bot.id}`],
        ['GET', `/exchange-accounts/${exchange.id}`], ['GET', `/exchange-accounts/${exchange.id}/balance`], ['GET', `/exchange-accounts/${exchange.id}/orders`],
        ['GET', `/exchange-accounts/${exchange.id}/risk`], ['PUT', `/exchange-accounts/${exchange.id}/risk`, { maxOpenDeals: 1 }],
        ['POST', `/exchange-accounts/${exchange.id}/kill-switch`, {}], ['DELETE', `/exchange-accounts/${exchange.id}/kill-switch`],
        ['DELETE', `/exchange-accounts/${exchange.id}`],
        ['GET', `/deals/${dealId}`], ['POST', `/deals/${dealId}/close`, {}], ['POST', `/deals/${dealId}/cancel`],
      ];
      for (const [method, path, body] of notFound) {
        const answer = await other(method, path, body);
        expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBe(404);
        expect(answer.body.error).toMatch(/_NOT_FOUND$/);
      }
      for (const [path, extra] of [['/bots', {}], ['/bots/preview', { price: 100 }]] as const) {
        const answer = await other('POST', path, { ...RSI_DIP, ...extra, exchangeAccountId: exchange.id });
        expect(answer.status, `POST ${path} on another account's exchange account`).toBe(400);
        expect(answer.body.fields).toEqual([expect.objectContaining({ field: 'exchangeAccountId' })]);
      }
    }

    // Nothing changed: the bot still runs, its deal is open, the account has no limits and no kill switch.
    expect((await erin.http('GET', `/bots/${bot.id}`)).body.status).toBe('running');
    expect((await erin.http('GET', `/deals/${dealId}`)).body.status).toBe('open');
    const risk = (await erin.http('GET', `/exchange-accounts/${exchange.id}/risk`)).body;
    expect(risk.settings.maxOpenDeals).toBeNull();
    expect(risk.state.killSwitchAt).toBeNull();
    expect((await erin.http('GET', `/exchange-accounts/${exchange.id}`)).status).toBe(200);
  });

  it('sends no CORS header, to a preflight or a request with an Origin', async () => {
    const origin = 'https://evil.example';
    const answer = await raw('/bots', { headers: { origin, authorization: `Bearer ${app.adminToken}` } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await raw('/bots', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('refuses a body over 100 kB with a 413, an authenticated one too', async () => {
    const answer = await app.http('POST', '/accounts', { name: 'x'.repeat(101 * 1024) });
    expect(answer.status).toBe(413);
  });

  it('refuses the start in production without ADMIN_TOKEN, naming the variable, and never echoes a token', () => {
    expect(() => AppConfig.fromEnv({ NODE_ENV: 'production' })).toThrow(/ADMIN_TOKEN: is required when NODE_ENV=production/);
    expect(() => AppConfig.fromEnv({ NODE_ENV: 'production', ADMIN_TOKEN: 'a'.repeat(32) })).not.toThrow();
    expect(() => AppConfig.fromEnv({ ADMIN_TOKEN: 'short-secret' })).toThrow(/ADMIN_TOKEN: must be at least 16 characters .*\(got 12 characters\)/);
    expect(() => AppConfig.fromEnv({ ADMIN_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
  });
});

describe('access: rate limit per token', () => {
  const LIMIT = 5;
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase('access_rate');
    app = await startTestApp({ DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'simulated', RATE_LIMIT_PER_MINUTE: String(LIMIT) });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('answers 429 with Retry-After past RATE_LIMIT_PER_MINUTE, per token, and never limits health', async () => {
    const created = await app.http('POST', '/accounts', { name: 'busy' });
    expect(created.status).toBe(201);
    const send = (token: string | null) => fetch(`${app.baseUrl}/conditions`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

    for (let i = 0; i < LIMIT; i++) expect((await send(created.body.token)).status).toBe(200);
    const refused = await send(created.body.token);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await refused.json()).toMatchObject({ error: 'TOO_MANY_REQUESTS', message: expect.stringContaining(`at most ${LIMIT} a minute per token`) });

    // Another token has a budget of its own; the admin token spent one request creating the account.
    expect((await send(app.adminToken)).status).toBe(200);
    // Without a token the caller's IP is the key: refused as unauthenticated until its own budget runs out.
    const anonymous = [];
    for (let i = 0; i <= LIMIT; i++) anonymous.push((await send(null)).status);
    expect(anonymous).toEqual([...Array(LIMIT).fill(401), 429]);
    for (let i = 0; i < 3 * LIMIT; i++) expect((await fetch(`${app.baseUrl}/health`)).status).toBe(200);
  });
});
