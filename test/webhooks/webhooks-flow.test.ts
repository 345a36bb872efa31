import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { DealsService } from '../../src/trading/index.js';
import { DataSource } from 'typeorm';
import { WebhookDispatcher } from '../../src/webhooks/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { routeTrigger, settleDeals } from '../support/deal-flow.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { Receiver, signatureValid, type Received } from './receiver.js';

const T0 = Date.UTC(2024, 0, 1, 12);
const QUARTER = 15 * 60_000;
const HOUR = 3_600_000;
const ALL_EVENTS = ['deal.opened', 'deal.safety_filled', 'deal.closed', 'deal.error'];

describe('webhooks on the real deal flow: signed, retried, failed, per account', () => {
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;
  let receiver: Receiver;
  let dispatcher: WebhookDispatcher;
  const clock = new ManualClock(T0);
  let bot: any;
  let main: { id: string; secret: string };
  let closedOnly: { id: string; secret: string };
  let flaky: { id: string; secret: string };
  let down: { id: string; secret: string };
  let other: { id: string; secret: string; token: string };
  const deals: Record<'unwatched' | 'watched' | 'canceled', string> = {} as never;

  beforeAll(async () => {
    database = await createTestDatabase('webhooks_flow');
    db = await connect(database.url);
    receiver = await new Receiver().start();
    app = await startTestApp(
      {
        DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'simulated', PAPER_BALANCES: 'USDT=100000', SECRETS_KEY: randomBytes(32).toString('hex'),
        WEBHOOK_ALLOW_PRIVATE_HOSTS: 'true', WEBHOOK_DISPATCH_INTERVAL_MS: '0', WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_RETRY_BASE_MS: '1000', WEBHOOK_TIMEOUT_MS: '3000',
      },
      clock,
    );
    dispatcher = app.get(WebhookDispatcher);
  });

  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await db?.end();
    await database?.drop();
  });

  async function createWebhook(path: string, events: string[], token?: string): Promise<{ id: string; secret: string }> {
    const answer = await app.http('POST', '/webhooks', { url: receiver.url(path), events }, token ? { token } : {});
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return { id: answer.body.id, secret: answer.body.secret };
  }

  /** Moves on a quarter first: a trigger is unique per condition and candle, and this bot's triggers all share one condition. */
  async function trigger(): Promise<string> {
    clock.advance(QUARTER);
    return routeTrigger(app, db, bot, clock);
  }

  const deliveriesOf = async (webhookId: string, query = '', token?: string) => {
    const answer = await app.http('GET', `/webhooks/${webhookId}/deliveries${query}`, undefined, token ? { token } : {});
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };
  const types = (requests: Received[]) => requests.map((r) => r.json.type);

  it('sends nothing while no webhook is configured', async () => {
    const created = await app.http('POST', '/bots', {
      name: 'watched', type: 'dca', exchange: 'paper', symbol: 'BTC/USDT', conditions: [{ timeframe: '15m', indicator: 'rsi', operator: 'lt', value: 30 }],
      dca: { baseOrderSize: 100, safetyOrderSize: 100, maxSafetyOrders: 1, priceDeviation: 0.2 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    bot = created.body;
    deals.unwatched = await trigger();
    expect((await app.http('POST', `/deals/${deals.unwatched}/cancel`)).status).toBe(200);
    expect((await db.query(`SELECT count(*)::int AS n FROM webhook_deliveries`)).rows[0].n).toBe(0);
    expect(await dispatcher.dispatchDue()).toBe(0);
    expect(receiver.received).toEqual([]);
  });

  it('delivers a deal opened, a safety order filled, the deal closed and a deal canceled, each signed with the secret shown once', async () => {
    main = await createWebhook('/main', ALL_EVENTS);
    closedOnly = await createWebhook('/closed-only', ['deal.closed']);
    const alice = await app.http('POST', '/accounts', { name: 'alice' });
    expect(alice.status).toBe(201);
    other = { ...(await createWebhook('/other-account', ALL_EVENTS, alice.body.token)), token: alice.body.token };

    clock.advance(HOUR);
    deals.watched = await trigger();
    for (let hours = 0; hours < 14 * 24; hours++) {
      const [row] = (await db.query(`SELECT safety_orders_filled FROM deals WHERE id = $1`, [deals.watched])).rows;
      if (row.safety_orders_filled > 0) break;
      clock.advance(HOUR);
      await settleDeals(app);
    }
    expect((await db.query(`SELECT safety_orders_filled FROM deals WHERE id = $1`, [deals.watched])).rows[0].safety_orders_filled).toBe(1);
    expect((await app.http('POST', `/deals/${deals.watched}/close`, {})).status).toBe(202);
    await settleDeals(app);
    expect((await db.query(`SELECT status FROM deals WHERE id = $1`, [deals.watched])).rows[0].status).toBe('closed');
    clock.advance(HOUR);
    deals.canceled = await trigger();
    expect((await app.http('POST', `/deals/${deals.canceled}/cancel`)).status).toBe(200);

    const sentAt = clock.now();
    const attempted = await dispatcher.dispatchDue();
    const onMain = receiver.on('/main');
    expect(attempted).toBe(onMain.length + 1);
    const ofDeal = (dealId: string) => onMain.filter((r) => r.json.data.deal.id === dealId);
    expect(types(ofDeal(deals.watched))).toEqual(['deal.opened', 'deal.safety_filled', 'deal.closed']);
    // The second deal may have had its safety order filled too before it was canceled.
    expect(types(ofDeal(deals.canceled))).toEqual(expect.arrayContaining(['deal.opened', 'deal.error']));
    expect(types(ofDeal(deals.canceled)).at(-1)).toBe('deal.error');
    expect(types(receiver.on('/closed-only'))).toEqual(['deal.closed']);
    for (const request of onMain) {
      expect(signatureValid(main.secret, request), `signature of ${request.json.type}`).toBe(true);
      expect(signatureValid(closedOnly.secret, request)).toBe(false);
      expect(request.headers['webhook-id']).toBe(request.json.id);
      expect(request.headers['webhook-timestamp']).toBe(String(Math.floor(sentAt / 1000)));
      expect(request.headers['content-type']).toBe('application/json');
    }
    expect(signatureValid(closedOnly.secret, receiver.on('/closed-only')[0])).toBe(true);
    expect(new Set(onMain.map((r) => r.headers['webhook-id'])).size).toBe(onMain.length);

    const [opened, safety, closed] = ofDeal(deals.watched).map((r) => r.json);
    const [reopened, error] = [ofDeal(deals.canceled)[0].json, ofDeal(deals.canceled).at(-1)!.json];
    expect(opened.data.deal).toMatchObject({ id: deals.watched, botId: bot.id, botName: 'watched', symbol: 'BTC/USDT', direction: 'long', status: 'open' });
    expect(opened.data.event).toMatchObject({ type: 'opened', reason: expect.stringMatching(/^trigger /) });
    expect(safety.data.deal).toMatchObject({ id: deals.watched, safetyOrdersFilled: 1, averageEntry: expect.any(Number) });
    expect(closed.data.deal).toMatchObject({ id: deals.watched, status: 'closed', closeReason: 'manual', realizedPnl: expect.any(Number), closedAt: expect.any(String) });
    expect(reopened.data.deal.id).toBe(deals.canceled);
    expect(error).toMatchObject({ type: 'deal.error', data: { deal: { id: deals.canceled, status: 'canceled' }, event: { type: 'canceled', reason: 'manual_cancel' } } });
    expect(new Date(closed.timestamp).getTime()).toBeLessThanOrEqual(sentAt);

    const page = await deliveriesOf(main.id);
    expect(page.items.map((d: any) => d.id), 'newest first').toEqual(onMain.map((r) => r.json.id).reverse());
    expect(page.items.every((d: any) => d.status === 'delivered' && d.attempts === 1 && d.lastStatusCode === 200 && d.history[0].statusCode === 200)).toBe(true);
    expect(await dispatcher.dispatchDue(), 'nothing left to send').toBe(0);
  }, 240_000);

  it("never calls another account's webhook, and answers 404 for it across accounts", async () => {
    expect(receiver.on('/other-account')).toEqual([]);
    expect((await deliveriesOf(other.id, '', other.token)).items).toEqual([]);
    for (const [method, path] of [['GET', `/webhooks/${main.id}`], ['GET', `/webhooks/${main.id}/deliveries`], ['POST', `/webhooks/${main.id}/test`], ['DELETE', `/webhooks/${main.id}`]]) {
      const answer = await app.http(method, path, undefined, { token: other.token });
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.body.error).toBe('WEBHOOK_NOT_FOUND');
    }
    expect((await app.http('GET', `/webhooks/${other.id}`)).status).toBe(404);
    expect((await app.http('GET', '/webhooks', undefined, { token: other.token })).body.items.map((w: any) => w.id)).toEqual([other.id]);
    expect((await app.http('GET', `/webhooks/${main.id}`)).status, 'still there').toBe(200);
  });

  it('retries a receiver that answered 500 with the same Webhook-Id, after a backoff, until it answers 200', async () => {
    flaky = await createWebhook('/flaky', ['deal.closed']);
    receiver.answer('/flaky', [500, 503]);
    const dealId = await trigger();
    expect((await app.http('POST', `/deals/${dealId}/close`, {})).status).toBe(202);
    await settleDeals(app);
    await dispatcher.dispatchDue();
    expect(receiver.on('/flaky').map((r) => r.json.type)).toEqual(['deal.closed']);
    expect(await dispatcher.dispatchDue(), 'not due before its backoff').toBe(0);

    clock.advance(1_000);
    expect(await dispatcher.dispatchDue()).toBe(1);
    clock.advance(2_000);
    expect(await dispatcher.dispatchDue()).toBe(1);
    const attempts = receiver.on('/flaky');
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(new Set(attempts.map((r) => r.body)).size, 'the same body every time').toBe(1);
    expect(new Set(attempts.map((r) => r.headers['webhook-timestamp'])).size, 'each attempt is timestamped anew').toBe(3);
    expect(attempts.every((r) => signatureValid(flaky.secret, r))).toBe(true);

    const [delivery] = (await deliveriesOf(flaky.id)).items;
    expect(delivery).toMatchObject({ id: attempts[0].headers['webhook-id'], status: 'delivered', attempts: 3, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
    expect(delivery.history.map((h: any) => [h.attempt, h.statusCode, h.error])).toEqual([[1, 500, 'answered 500'], [2, 503, 'answered 503'], [3, 200, null]]);
    expect(main.id).toBeDefined();
  }, 60_000);

  it('marks a delivery failed after WEBHOOK_MAX_ATTEMPTS, visible page by page in GET /webhooks/:id/deliveries', async () => {
    down = await createWebhook('/down', ['deal.opened', 'deal.error']);
    receiver.answer('/down', [], 500);
    const dealId = await trigger();
    expect((await app.http('POST', `/deals/${dealId}/cancel`)).status).toBe(200);
    for (let attempt = 0; attempt < 5; attempt++) {
      await dispatcher.dispatchDue();
      clock.advance(10_000);
    }
    // Retries are jittered, so the two deliveries' later attempts may come in either order.
    expect(receiver.on('/down').map((r) => r.json.type).sort()).toEqual(['deal.error', 'deal.error', 'deal.error', 'deal.opened', 'deal.opened', 'deal.opened']);
    expect(new Set(receiver.on('/down').map((r) => r.headers['webhook-id'])).size).toBe(2);

    const first = await deliveriesOf(down.id, '?limit=1');
    expect(first.items).toHaveLength(1);
    expect(first.items[0]).toMatchObject({ event: 'deal.error', dealId, status: 'failed', attempts: 3, lastStatusCode: 500, nextAttemptAt: null, finishedAt: expect.any(String) });
    expect(first.items[0].history.map((h: any) => h.statusCode)).toEqual([500, 500, 500]);
    expect(first.items[0].payload).toMatchObject({ id: first.items[0].id, type: 'deal.error' });
    expect(first.nextCursor).toBe(first.items[0].id);
    const second = await deliveriesOf(down.id, `?limit=1&cursor=${first.nextCursor}`);
    expect(second.items.map((d: any) => [d.event, d.status])).toEqual([['deal.opened', 'failed']]);
    expect(second.nextCursor).toBeNull();
    expect((await deliveriesOf(down.id, '?status=failed')).items).toHaveLength(2);
    expect((await deliveriesOf(down.id, '?status=delivered')).items).toHaveLength(0);
    expect(await dispatcher.dispatchDue(), 'a failed delivery is not tried again').toBe(0);
  }, 60_000);

  it('sends each due delivery once even with dispatchers running side by side (the claim skips locked rows)', async () => {
    const burst = await createWebhook('/burst', ['deal.closed']);
    const ids = [];
    for (let i = 0; i < 45; i++) {
      const answer = await app.http('POST', `/webhooks/${burst.id}/test`);
      expect(answer.status).toBe(202);
      ids.push(answer.body.deliveryId);
    }
    const counts = await Promise.all([dispatcher.dispatchDue(), dispatcher.dispatchDue(), dispatcher.dispatchDue()]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(45);
    const got = receiver.on('/burst');
    expect(got.map((r) => r.headers['webhook-id']).sort()).toEqual([...ids].sort());
    expect(got.every((r) => r.json.type === 'webhook.test' && signatureValid(burst.secret, r))).toBe(true);
  });

  it('enqueues in the transaction of the deal event: rolled back with it, committed with it', async () => {
    const count = async () => (await db.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1`, [closedOnly.id])).rows[0].n;
    const before = await count();
    const deals_ = app.get(DealsService);
    await expect(app.get(DataSource).transaction(async (manager) => {
      await deals_.recordEvent(manager, deals.watched, clock.now(), 'closed', 'test');
      throw new Error('the deal change failed');
    })).rejects.toThrow('the deal change failed');
    expect(await count(), 'nothing enqueued for an event that did not happen').toBe(before);
    await app.get(DataSource).transaction((manager) => deals_.recordEvent(manager, deals.watched, clock.now(), 'closed', 'test'));
    expect(await count()).toBe(before + 1);
    await app.get(DataSource).transaction((manager) => deals_.recordEvent(manager, deals.watched, clock.now(), 'take_profit_placed', null));
    expect(await count(), 'a timeline event that does not notify enqueues nothing').toBe(before + 1);
    await dispatcher.dispatchDue();
  });

  it('stops sending to a deleted webhook, whose deliveries go with it', async () => {
    receiver.answer('/main', [500]);
    const dealId = await trigger();
    await dispatcher.dispatchDue();
    const before = receiver.on('/main').length;
    expect((await app.http('DELETE', `/webhooks/${main.id}`)).status).toBe(204);
    clock.advance(HOUR);
    await dispatcher.dispatchDue();
    expect(receiver.on('/main').length).toBe(before);
    expect((await db.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1`, [main.id])).rows[0].n).toBe(0);
    expect((await app.http('POST', `/deals/${dealId}/cancel`)).status).toBe(200);
  });
});
