/**
 * A local HTTP server that answers like Binance spot, for driving ccxt offline.
 * Endpoints live in route groups (one file each: market data, orders, account). Every request passes through the
 * armed faults (delays, 429 with Retry-After, answers that never come) and the interceptors before its route.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { accountRoutes } from './account.routes.js';
import { FakeAccount } from './fake-account.js';
import {
  binanceError,
  BinanceFailure,
  type FakeBinanceState,
  type FakeReply,
  type FakeRequest,
  type Interceptor,
  type RouteGroup,
} from './fake-binance.types.js';
import { isOpen } from './fake-order.js';
import { Faults, type FaultAction } from './faults.js';
import { marketRoutes } from './market.routes.js';
import { orderRoutes } from './order.routes.js';

export type {
  FakeBinanceState,
  FakeReply,
  FakeRequest,
  Interceptor,
  Route,
  RouteGroup,
} from './fake-binance.types.js';
export { binanceError, BinanceFailure } from './fake-binance.types.js';
export type { FakeAccount } from './fake-account.js';
export type { FakeFill, FakeOrder } from './fake-order.js';
export type { Endpoint, FaultAction, Faults } from './faults.js';

export interface FakeBinanceOptions {
  klines?: FakeBinanceState['klines'];
  now?: () => number;
  /** Extra endpoint groups on top of the market-data, order and account ones. */
  routes?: RouteGroup[];
  /** The one API key and secret the signed endpoints accept. */
  apiKey?: string;
  secret?: string;
  /** Free balances the account starts with, by asset. */
  balances?: Record<string, number>;
}

export interface FakeBinance {
  /** Origin such as `http://127.0.0.1:51234`; Binance's paths (`/api/v3/...`) go after it. */
  url: string;
  /** Every request received, in order, interceptors' ones included. */
  requests: FakeRequest[];
  state: FakeBinanceState;
  faults: Faults;
  /** How many requests reached an endpoint (`POST /api/v3/order`), faulted ones included. */
  count(endpoint: `${string} /${string}`): number;
  intercept(interceptor: Interceptor): void;
  close(): Promise<void>;
}

export async function start(options: FakeBinanceOptions = {}): Promise<FakeBinance> {
  const clock = { now: options.now ?? Date.now, klines: options.klines ?? {} };
  const account = new FakeAccount(clock, options.apiKey ?? 'fake-api-key', options.secret ?? 'fake-secret');
  for (const [asset, amount] of Object.entries(options.balances ?? {})) account.deposit(asset, amount);
  const state: FakeBinanceState = {
    ...clock,
    account,
    fill(clientOrderId, amount, price) {
      const order = account.orders.findLast((o) => o.clientOrderId === clientOrderId && isOpen(o));
      if (!order) throw new Error(`fake binance has no open order ${clientOrderId}`);
      const left = Math.round((order.origQty - order.executedQty) * 1e8) / 1e8;
      account.trade(order, amount ?? left, price ?? order.price, true);
    },
  };
  const faults = new Faults(account);
  const routes = [marketRoutes, orderRoutes, accountRoutes, ...(options.routes ?? [])].flatMap((group) => group(state));
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
    const fault = faults.take(request);
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (fault?.kind === 'reply') return send(res, fault.reply);
    if (withholds(fault, false)) return withhold(res, fault);
    for (const interceptor of interceptors) {
      const reply = await interceptor(request);
      if (reply) return send(res, reply);
    }
    const reply = await answer(request);
    if (withholds(fault, true)) return withhold(res, fault);
    send(res, reply);
  }

  async function answer(request: FakeRequest): Promise<FakeReply> {
    const route = routes.find((r) => r.method === request.method && r.path === request.path);
    if (!route) return binanceError(404, -1000, `no fake route for ${request.method} ${request.path}`);
    try {
      return await route.handle(request, state);
    } catch (error) {
      if (error instanceof BinanceFailure) return error.reply;
      throw error;
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    state,
    faults,
    count: (endpoint) => requests.filter((r) => `${r.method} ${r.path}` === endpoint).length,
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
  const rawBody = Buffer.concat(chunks).toString('utf8');
  const rawQuery = url.search.slice(1);
  return { method: req.method ?? 'GET', path: url.pathname, params, rawQuery, rawBody, headers: req.headers, at };
}

function withholds(fault: FaultAction | undefined, accepted: boolean): fault is Extract<FaultAction, { kind: 'hang' | 'drop' }> {
  return (fault?.kind === 'hang' || fault?.kind === 'drop') && fault.accepted === accepted;
}

/** No answer: a hang leaves the socket open until the client gives up (or close()), a drop closes it now. */
function withhold(res: ServerResponse, fault: Extract<FaultAction, { kind: 'hang' | 'drop' }>): void {
  if (fault.kind === 'drop') res.socket?.destroy();
}

function send(res: ServerResponse, reply: FakeReply): void {
  res.writeHead(reply.status ?? 200, { 'content-type': 'application/json;charset=UTF-8', ...reply.headers });
  res.end(JSON.stringify(reply.body));
}
