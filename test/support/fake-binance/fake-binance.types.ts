import type { IncomingMessage } from 'node:http';
import type { Candle } from '../../../src/market-data/candle.js';
import type { FakeAccount } from './fake-account.js';

/** The contract between the fake's server and its route groups. */

export interface FakeRequest {
  method: string;
  /** Path without the query, e.g. `/api/v3/klines`. */
  path: string;
  /** Query string and url-encoded body parameters together, as Binance reads them. */
  params: Record<string, string>;
  /** The query string (without `?`) and the body as sent: what a signature is computed over. */
  rawQuery: string;
  rawBody: string;
  headers: IncomingMessage['headers'];
  /** Server time (the fake's clock) when the request arrived. */
  at: number;
}

export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** What every route group sees: the data it serves and the fake's clock. */
export interface FakeBinanceState {
  now(): number;
  /** Candles by Binance symbol id (`BTCUSDT`) then interval (`1m`); they may run past `now()`, which hides them. */
  klines: Record<string, Record<string, Candle[]>>;
  /** The spot account of the one API key the fake accepts: balances and orders (order.routes.ts, account.routes.ts). */
  account: FakeAccount;
  /**
   * Trades an open order as if the market went through it: `amount` (default all that is left) at `price`
   * (default its limit price), charging the maker fee. Throws if there is no such open order.
   */
  fill(clientOrderId: string, amount?: number, price?: number): void;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  handle(request: FakeRequest, state: FakeBinanceState): FakeReply | Promise<FakeReply>;
}

export type RouteGroup = (state: FakeBinanceState) => Route[];

/** Returns a reply to short-circuit the request (a fault), or undefined to let it through. */
export type Interceptor = (request: FakeRequest) => FakeReply | undefined | Promise<FakeReply | undefined>;

/** Binance's error body: `{ code, msg }` with a negative code. */
export function binanceError(status: number, code: number, msg: string): FakeReply {
  return { status, body: { code, msg } };
}

/** Thrown by a route (or what it calls) to answer with a Binance error instead of a result. */
export class BinanceFailure extends Error {
  constructor(readonly reply: FakeReply) {
    super(JSON.stringify(reply.body));
    this.name = 'BinanceFailure';
  }
}
