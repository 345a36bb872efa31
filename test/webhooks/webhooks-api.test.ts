import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** A public address literal: accepted without DNS, and never called (dispatch is off in this file). */
const PUBLIC_URL = 'https://93.184.215.14/hooks/trading';
const UNKNOWN_ID = '00000000-0000-4000-8000-0000000000ff';

describe('webhooks API: validation, SSRF refusal, one secret shown once, accounts apart', () => {
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;
  let alice: { token: string };

  beforeAll(async () => {
    database = await createTestDatabase('webhooks_api');
    db = await connect(database.url);
    // WEBHOOK_ALLOW_PRIVATE_HOSTS keeps its default (off), as in production.
    app = await startTestApp({ DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'simulated', SECRETS_KEY: randomBytes(32).toString('hex'), WEBHOOK_DISPATCH_INTERVAL_MS: '0' });
    const created = await app.http('POST', '/accounts', { name: 'alice' });
    alice = { token: created.body.token };
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
  });

  const fieldsOf = (body: any) => (body.fields ?? []).map((f: { field: string }) => f.field);

  it('refuses bad bodies with a 400 naming each bad field', async () => {
    const cases: [object, string][] = [
      [{ events: ['deal.opened'] }, 'url'],
      [{ url: 'ftp://example.com/x', events: ['deal.opened'] }, 'url'],
      [{ url: 'not a url', events: ['deal.opened'] }, 'url'],
      [{ url: 'https://user:pass@example.com/x', events: ['deal.opened'] }, 'url'],
      [{ url: 42, events: ['deal.opened'] }, 'url'],
      [{ url: PUBLIC_URL }, 'events'],
      [{ url: PUBLIC_URL, events: [] }, 'events'],
      [{ url: PUBLIC_URL, events: ['deal.exploded'] }, 'events'],
      [{ url: PUBLIC_URL, events: ['deal.opened', 'deal.opened'] }, 'events'],
      [{ url: PUBLIC_URL, events: 'deal.opened' }, 'events'],
      [{ url: PUBLIC_URL, events: ['deal.opened'], description: 'x'.repeat(201) }, 'description'],
      [{ url: PUBLIC_URL, events: ['deal.opened'], description: null }, 'description'],
      [{ url: PUBLIC_URL, events: ['deal.opened'], secret: 'mine' }, 'secret'],
    ];
    for (const [body, field] of cases) {
      const answer = await app.http('POST', '/webhooks', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(fieldsOf(answer.body), JSON.stringify(answer.body)).toContain(field);
    }
    const events = await app.http('POST', '/webhooks', { url: PUBLIC_URL, events: ['deal.exploded'] });
    expect(events.body.fields[0].message).toMatch(/deal\.opened, deal\.safety_filled, deal\.closed, deal\.error/);
    expect((await app.http('GET', '/webhooks/not-a-uuid')).body.fields).toEqual([{ field: 'id', message: 'must be a UUID' }]);
    expect(fieldsOf((await app.http('GET', `/webhooks/${UNKNOWN_ID}/deliveries?status=lost`)).body)).toContain('status');
    expect(fieldsOf((await app.http('GET', '/webhooks?limit=0')).body)).toContain('limit');
    expect((await db.query(`SELECT count(*)::int AS n FROM webhooks`)).rows[0].n).toBe(0);
  });

  it('refuses loopback, private and link-local targets unless WEBHOOK_ALLOW_PRIVATE_HOSTS is set (SSRF)', async () => {
    for (const url of [
      'http://127.0.0.1:3000/x', 'http://localhost/x', 'http://LOCALHOST:8080/x', 'http://api.localhost/x', 'http://[::1]:8080/x', 'http://10.0.0.1/x',
      'http://192.168.1.10/x', 'http://172.16.5.5/x', 'http://169.254.169.254/latest/meta-data/', 'http://0.0.0.0/x', 'http://[::ffff:127.0.0.1]/x', 'http://[fd00::1]/x',
    ]) {
      const answer = await app.http('POST', '/webhooks', { url, events: ['deal.opened'] });
      expect(answer.status, url).toBe(400);
      expect(answer.body, url).toMatchObject({ error: 'WEBHOOK_URL_REFUSED', fields: [{ field: 'url', message: expect.stringContaining('WEBHOOK_ALLOW_PRIVATE_HOSTS') }] });
    }
    // Other spellings of loopback: refused whether the validator or the address check catches them.
    for (const url of ['http://2130706433/x', 'http://0x7f.0.0.1/x', 'http://127.1/x', 'http://localhost./x']) {
      const answer = await app.http('POST', '/webhooks', { url, events: ['deal.opened'] });
      expect(answer.status, url).toBe(400);
      expect(fieldsOf(answer.body), url).toEqual(['url']);
    }
    expect((await db.query(`SELECT count(*)::int AS n FROM webhooks`)).rows[0].n).toBe(0);
  });

  it('creates a webhook showing its secret once, sealed at rest, and never again', async () => {
    const created = await app.http('POST', '/webhooks', { url: PUBLIC_URL, events: ['deal.opened', 'deal.closed'], description: 'chat relay' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { secret, ...view } = created.body;
    expect(secret).toMatch(/^whsec_[\w-]{43}$/);
    expect(view).toEqual({ id: expect.any(String), url: PUBLIC_URL, events: ['deal.opened', 'deal.closed'], description: 'chat relay', createdAt: expect.any(String) });

    const answers = [await app.http('GET', '/webhooks'), await app.http('GET', `/webhooks/${view.id}`), await app.http('GET', `/webhooks/${view.id}/deliveries`)];
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(JSON.stringify(answer.body)).not.toContain(secret);
    }
    expect(answers[0].body).toEqual({ items: [view], nextCursor: null });
    expect(answers[1].body).toEqual(view);
    expect(answers[2].body).toEqual({ items: [], nextCursor: null });

    const [row] = (await db.query(`SELECT secret FROM webhooks WHERE id = $1`, [view.id])).rows;
    expect(row.secret.includes(Buffer.from(secret)), 'sealed, not in clear').toBe(false);
    expect(row.secret.length).toBeGreaterThan(secret.length);
  });

  it('enqueues a test delivery, listed with its payload and no attempt yet', async () => {
    const [webhook] = (await app.http('GET', '/webhooks')).body.items;
    const answer = await app.http('POST', `/webhooks/${webhook.id}/test`);
    expect(answer.status).toBe(202);
    const { items } = (await app.http('GET', `/webhooks/${webhook.id}/deliveries`)).body;
    expect(items).toEqual([
      expect.objectContaining({
        id: answer.body.deliveryId, event: 'webhook.test', dealId: null, status: 'pending', attempts: 0, history: [], nextAttemptAt: expect.any(String),
        payload: { id: answer.body.deliveryId, type: 'webhook.test', timestamp: expect.any(String), data: { webhookId: webhook.id, message: expect.any(String) } },
      }),
    ]);
  });

  it("keeps accounts apart: another account's webhook is a 404 on every route, and not listed", async () => {
    const [webhook] = (await app.http('GET', '/webhooks')).body.items;
    const as = { token: alice.token };
    expect((await app.http('GET', '/webhooks', undefined, as)).body).toEqual({ items: [], nextCursor: null });
    for (const [method, path] of [['GET', `/webhooks/${webhook.id}`], ['GET', `/webhooks/${webhook.id}/deliveries`], ['POST', `/webhooks/${webhook.id}/test`], ['DELETE', `/webhooks/${webhook.id}`]]) {
      const theirs = await app.http(method, path, undefined, as);
      const unknown = await app.http(method, path.replace(webhook.id, UNKNOWN_ID), undefined, as);
      expect(theirs.status, `${method} ${path}`).toBe(404);
      expect(theirs.body.error).toBe(unknown.body.error);
    }
    expect(fieldsOf((await app.http('GET', `/webhooks?cursor=${webhook.id}`, undefined, as)).body)).toContain('cursor');
    const own = await app.http('POST', '/webhooks', { url: PUBLIC_URL, events: ['deal.error'] }, as);
    expect(own.status).toBe(201);
    expect((await app.http('GET', `/webhooks/${own.body.id}`)).status).toBe(404);
    expect((await app.http('GET', '/webhooks')).body.items.map((w: any) => w.id)).toEqual([webhook.id]);
  });

  it('lists page by page, refuses more than 10 webhooks per account, and deletes one with its deliveries', async () => {
    for (let n = 2; n <= 10; n++) expect((await app.http('POST', '/webhooks', { url: `${PUBLIC_URL}/${n}`, events: ['deal.opened'] })).status).toBe(201);
    const eleventh = await app.http('POST', '/webhooks', { url: PUBLIC_URL, events: ['deal.opened'] });
    expect(eleventh.status).toBe(409);
    expect(eleventh.body.error).toBe('TOO_MANY_WEBHOOKS');

    const first = (await app.http('GET', '/webhooks?limit=4')).body;
    const second = (await app.http('GET', `/webhooks?limit=4&cursor=${first.nextCursor}`)).body;
    const third = (await app.http('GET', `/webhooks?limit=4&cursor=${second.nextCursor}`)).body;
    expect([first.items.length, second.items.length, third.items.length, third.nextCursor]).toEqual([4, 4, 2, null]);
    const all = [...first.items, ...second.items, ...third.items];
    expect(new Set(all.map((w) => w.id)).size).toBe(10);

    const victim = all[0].id;
    expect((await app.http('DELETE', `/webhooks/${victim}`)).status).toBe(204);
    expect((await app.http('GET', `/webhooks/${victim}`)).status).toBe(404);
    expect((await app.http('DELETE', `/webhooks/${victim}`)).status).toBe(404);
    expect((await db.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1`, [victim])).rows[0].n).toBe(0);
    expect((await app.http('POST', '/webhooks', { url: PUBLIC_URL, events: ['deal.opened'] })).status, 'room again').toBe(201);
  });
});
