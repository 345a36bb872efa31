/**
 * A local HTTP server that answers like Binance spot, for driving ccxt offline.
 * Endpoints live in route groups (one file each: market data now; orders and account can follow), and every request
 * passes through interceptors first, which is where faults such as 429 with Retry-After or delays plug in.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  binanceError,
  type FakeBinanceState,
  type FakeReply,
  type FakeRequest,
  type Interceptor,
  type RouteGroup,
} from './fake-binance.types.js';
import { marketRoutes } from './market.routes.js';

export type {
  FakeBinanceState,
  FakeReply,
  FakeRequest,
  Interceptor,
  Route,
  RouteGroup,
} from './fake-binance.types.js';
export { binanceError } from './fake-binance.types.js';

export interface FakeBinanceOptions {
  klines?: FakeBinanceState['klines'];
  now?: () => number;
  /** Extra endpoint groups on top of the market-data ones. */
  routes?: RouteGroup[];
}

export interface FakeBinance {
  /** Origin such as `http://127.0.0.1:51234`; Binance's paths (`/api/v3/...`) go after it. */
  url: string;
  /** Every request received, in order, interceptors' ones included. */
  requests: FakeRequest[];
  state: FakeBinanceState;
  intercept(interceptor: Interceptor): void;
  close(): Promise<void>;
}

export async function start(options: FakeBinanceOptions = {}): Promise<FakeBinance> {
  const state: FakeBinanceState = { now: options.now ?? Date.now, klines: options.klines ?? {} };
  const routes = [marketRoutes, ...(options.routes ?? [])].flatMap((group) => group(state));
  const requests: FakeRequest[] = [];
  const interceptors: Interceptor[] = [];

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      send(res, binanceError(500, -1000, `fake binance failed: ${(error as Error).message}`));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = await readRequest(req, state.now());
    requests.push(request);
    for (const interceptor of interceptors) {
      const reply = await interceptor(request);
      if (reply) return send(res, reply);
    }
    const route = routes.find((r) => r.method === request.method && r.path === request.path);
    if (!route) return send(res, binanceError(404, -1000, `no fake route for ${request.method} ${request.path}`));
    send(res, await route.handle(request, state));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    state,
    intercept: (interceptor) => interceptors.push(interceptor),
    close: () =>
      new Promise<void>((resolve, reject) => {
        // ccxt keeps connections alive; without this, close would wait for them to time out.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function readRequest(req: IncomingMessage, at: number): Promise<FakeRequest> {
  const url = new URL(req.url ?? '/', 'http://fake');
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const params = Object.fromEntries(url.searchParams);
  Object.assign(params, Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
  return { method: req.method ?? 'GET', path: url.pathname, params, headers: req.headers, at };
}

function send(res: ServerResponse, reply: FakeReply): void {
  res.writeHead(reply.status ?? 200, { 'content-type': 'application/json;charset=UTF-8', ...reply.headers });
  res.end(JSON.stringify(reply.body));
}
