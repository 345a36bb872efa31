import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, as signed. */
  body: string;
  json: any;
}

/**
 * A webhook receiver on 127.0.0.1: records every request by path and answers each path's scripted status codes in
 * turn (then 200, or the path's fallback).
 */
export class Receiver {
  readonly received: Received[] = [];
  private readonly scripts = new Map<string, number[]>();
  private readonly fallbacks = new Map<string, number>();
  private server?: Server;
  private port = 0;

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        this.received.push({ path, headers: request.headers, body, json });
        const status = this.scripts.get(path)?.shift() ?? this.fallbacks.get(path) ?? 200;
        response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'not now');
      });
    });
    await new Promise<void>((done) => this.server!.listen(0, '127.0.0.1', done));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The next answers on `path`, in order; afterwards `fallback` (200 unless given). */
  answer(path: string, statuses: number[], fallback?: number): void {
    this.scripts.set(path, [...statuses]);
    if (fallback !== undefined) this.fallbacks.set(path, fallback);
  }

  on(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((done) => (this.server ? this.server.close(done) : done(undefined)));
  }
}

/**
 * A receiver's check, written from the README and not with the app's code: HMAC-SHA256 under the secret of
 * "<Webhook-Id>.<Webhook-Timestamp>.<raw body>", hex, after "v1=", compared in constant time.
 */
export function signatureValid(secret: string, request: Received): boolean {
  const id = request.headers['webhook-id'];
  const timestamp = request.headers['webhook-timestamp'];
  const signature = String(request.headers['webhook-signature'] ?? '');
  const expected = `v1=${createHmac('sha256', secret).update(`${id}.${timestamp}.${request.body}`).digest('hex')}`;
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}
