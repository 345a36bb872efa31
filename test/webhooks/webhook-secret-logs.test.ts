import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { WebhookDispatcher } from '../../src/webhooks/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { forbiddenForms, OutputTap } from '../security/log-capture.js';
import { Receiver, signatureValid } from './receiver.js';

const SECRETS_KEY_BYTES = randomBytes(32);

describe('webhook signing secrets never reach the logs', () => {
  const tap = new OutputTap();
  const clock = new ManualClock(Date.UTC(2024, 0, 1, 12));
  let database: TestDatabase;
  let db: Client;
  let receiver: Receiver;
  let app: TestApp | undefined;
  const secrets: string[] = [];
  let output = '';

  beforeAll(async () => {
    database = await createTestDatabase('webhooks_secret_logs');
    db = await connect(database.url);
    receiver = await new Receiver().start();
  });

  afterAll(async () => {
    tap.uninstall();
    await app?.close();
    await receiver?.close();
    await db?.end();
    await database?.drop();
  });

  it('runs webhooks at LOG_LEVEL debug: created, delivered, retried, failed, deleted', async () => {
    tap.install();
    try {
      app = await startTestApp(
        {
          DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'simulated', LOG_LEVEL: 'debug', LOG_FORMAT: 'json', SECRETS_KEY: SECRETS_KEY_BYTES.toString('hex'),
          WEBHOOK_ALLOW_PRIVATE_HOSTS: 'true', WEBHOOK_DISPATCH_INTERVAL_MS: '0', WEBHOOK_MAX_ATTEMPTS: '2', WEBHOOK_RETRY_BASE_MS: '1000',
        },
        clock,
      );
      const ok = await app.http('POST', '/webhooks', { url: receiver.url('/ok'), events: ['deal.opened'] });
      const down = await app.http('POST', '/webhooks', { url: receiver.url('/down'), events: ['deal.closed'] });
      expect([ok.status, down.status]).toEqual([201, 201]);
      secrets.push(ok.body.secret, down.body.secret);
      receiver.answer('/down', [], 500);
      // A bad request carrying a secret in its body and query is refused and logged like any other.
      expect((await app.http('POST', '/webhooks', { url: receiver.url('/x'), events: ['deal.opened'], secret: ok.body.secret })).status).toBe(400);
      expect((await app.http('GET', `/webhooks?cursor=${down.body.secret}`)).status).toBe(400);
      for (const id of [ok.body.id, down.body.id]) expect((await app.http('POST', `/webhooks/${id}/test`)).status).toBe(202);
      const dispatcher = app.get(WebhookDispatcher);
      await dispatcher.dispatchDue();
      clock.advance(5_000);
      await dispatcher.dispatchDue();
      expect(signatureValid(secrets[0], receiver.on('/ok')[0])).toBe(true);
      expect(receiver.on('/down')).toHaveLength(2);
      for (const id of [ok.body.id, down.body.id]) {
        const listed = await app.http('GET', `/webhooks/${id}/deliveries`);
        expect(JSON.stringify(listed.body)).not.toMatch(/whsec_/);
        expect((await app.http('DELETE', `/webhooks/${id}`)).status).toBe(204);
      }
      await app.close();
      app = undefined;
    } finally {
      tap.uninstall();
      output = tap.text;
    }
  });

  it('logged the webhooks at debug level, by id and host only', () => {
    const messages = output.split('\n').flatMap((line) => {
      try {
        return [(JSON.parse(line) as { msg?: string }).msg ?? ''];
      } catch {
        return [];
      }
    });
    expect(messages).toEqual(expect.arrayContaining(['webhook created', 'webhook delivered', 'webhook delivery failed for good after its last attempt', 'webhook deleted']));
    expect(output).not.toContain('/ok');
  });

  it('holds neither signing secret, in clear, hex or base64, nor SECRETS_KEY', () => {
    expect(secrets).toHaveLength(2);
    const plain = Object.fromEntries(secrets.map((secret, i) => [`webhook secret ${i + 1}`, secret]));
    const leaks = forbiddenForms({ ...plain, SECRETS_KEY: SECRETS_KEY_BYTES.toString('hex') }, SECRETS_KEY_BYTES)
      .filter(({ text }) => output.includes(text))
      .map(({ name, text }) => `${name}: …${output.slice(Math.max(0, output.indexOf(text) - 300), output.indexOf(text) + text.length + 100)}…`);
    expect(leaks, leaks.join('\n\n')).toEqual([]);
    expect(output).not.toMatch(/whsec_/);
  });
});
