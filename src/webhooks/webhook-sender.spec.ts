import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resolver } from './address-policy.js';
import { postJson } from './webhook-sender.js';

/** Every name resolves to the loopback address: what a DNS-rebinding attacker's name would do at connect time. */
const toLoopback: Resolver = (_host, callback) => callback(null, [{ address: '127.0.0.1', family: 4 }]);

describe('postJson', () => {
  let server: Server;
  let port: number;
  const received: { headers: Record<string, unknown>; body: string }[] = [];
  let answer = 204;
  let hang = false;

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        if (hang) return;
        response.writeHead(answer, { location: 'http://169.254.169.254/' }).end('ignored');
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });

  it('POSTs JSON with the given headers and reports the status code', async () => {
    const result = await postJson(`http://127.0.0.1:${port}/hook`, { 'webhook-id': 'x' }, '{"a":1}', { timeoutMs: 2000, allowPrivate: true });
    expect(result).toMatchObject({ statusCode: 204, error: null });
    expect(received.at(-1)).toMatchObject({ body: '{"a":1}', headers: { 'webhook-id': 'x', 'content-type': 'application/json' } });
  });

  it('does not follow a redirect: a 3xx is what the attempt got', async () => {
    answer = 302;
    const result = await postJson(`http://127.0.0.1:${port}/hook`, {}, '{}', { timeoutMs: 2000, allowPrivate: true });
    expect(result.statusCode).toBe(302);
    answer = 204;
  });

  it('refuses a private literal, and a name that resolves to one at connect time, without sending anything', async () => {
    const before = received.length;
    const literal = await postJson(`http://127.0.0.1:${port}/hook`, {}, '{}', { timeoutMs: 2000, allowPrivate: false });
    expect(literal).toMatchObject({ statusCode: null, error: expect.stringMatching(/^refused: 127\.0\.0\.1/) });
    const rebound = await postJson(`http://hooks.example:${port}/hook`, {}, '{}', { timeoutMs: 2000, allowPrivate: false, resolve: toLoopback });
    expect(rebound).toMatchObject({ statusCode: null, error: expect.stringMatching(/^refused: hooks\.example resolves to 127\.0\.0\.1/) });
    expect(received.length).toBe(before);
    const allowed = await postJson(`http://hooks.example:${port}/hook`, {}, '{}', { timeoutMs: 2000, allowPrivate: true, resolve: toLoopback });
    expect(allowed.statusCode).toBe(204);
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    hang = true;
    const result = await postJson(`http://127.0.0.1:${port}/hook`, {}, '{}', { timeoutMs: 300, allowPrivate: true });
    hang = false;
    expect(result).toMatchObject({ statusCode: null, error: 'no answer within 300 ms' });
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
  });

  it('stops waiting when aborted (the app shutting down)', async () => {
    hang = true;
    const controller = new AbortController();
    const pending = postJson(`http://127.0.0.1:${port}/hook`, {}, '{}', { timeoutMs: 5000, allowPrivate: true, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const result = await pending;
    hang = false;
    expect(result).toMatchObject({ statusCode: null, error: 'interrupted: the app is shutting down' });
    expect(result.durationMs).toBeLessThan(2000);
  });

  it('reports an unreachable receiver', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const result = await postJson(`http://127.0.0.1:${deadPort}/hook`, {}, '{}', { timeoutMs: 2000, allowPrivate: true });
    expect(result).toMatchObject({ statusCode: null, error: expect.stringContaining('ECONNREFUSED') });
  });
});
