import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Candle } from '../../../src/market-data/candle.js';
import { binanceError, type FakeBinanceState, type FakeReply, type FakeRequest, type RouteGroup } from './fake-binance.types.js';

/**
 * Public market-data endpoints of Binance spot (`/api/v3`), answered the way the recorded responses in
 * ../shared/data/ccxt-static show: exchangeInfo lists the spot markets of that fixture, klines are arrays of strings.
 */
export const marketRoutes: RouteGroup = (state) => [
  { method: 'GET', path: '/api/v3/ping', handle: () => ({ body: {} }) },
  { method: 'GET', path: '/api/v3/time', handle: () => ({ body: { serverTime: state.now() } }) },
  { method: 'GET', path: '/api/v3/exchangeInfo', handle: () => ({ body: exchangeInfo(state.now()) }) },
  { method: 'GET', path: '/api/v3/klines', handle: (request) => klines(request, state) },
];

const INTERVAL_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DEFAULT_LIMIT = 500;
const MAX_LIMIT = 1000;

function klines(request: FakeRequest, state: FakeBinanceState): FakeReply {
  const { symbol, interval } = request.params;
  if (!symbol) return mandatory('symbol');
  if (!interval) return mandatory('interval');
  const tf = Number(interval.slice(0, -1)) * (INTERVAL_MS[interval.slice(-1)] ?? NaN);
  if (!Number.isFinite(tf)) return binanceError(400, -1120, 'Invalid interval.');
  const bySymbol = state.klines[symbol];
  if (!bySymbol && !spotInfos().some((info) => info.symbol === symbol)) {
    return binanceError(400, -1121, 'Invalid symbol.');
  }
  const limit = request.params.limit === undefined ? DEFAULT_LIMIT : Number(request.params.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    return binanceError(400, -1130, "Data sent for parameter 'limit' is not valid.");
  }
  const startTime = optionalTime(request.params.startTime);
  const endTime = Math.min(optionalTime(request.params.endTime) ?? Infinity, state.now());
  // The candle that contains now is served too, as Binance does: it is still forming.
  const available = (bySymbol?.[interval] ?? []).filter(
    (k) => k.openTime <= endTime && (startTime === undefined || k.openTime >= startTime),
  );
  const chosen = startTime === undefined ? available.slice(-limit) : available.slice(0, limit);
  return { body: chosen.map((k) => klineRow(k, tf)) };
}

function klineRow(k: Candle, tf: number): unknown[] {
  const price = (value: number) => value.toFixed(8);
  const quoteVolume = k.volume * ((k.open + k.close) / 2);
  return [
    k.openTime,
    price(k.open),
    price(k.high),
    price(k.low),
    price(k.close),
    price(k.volume),
    k.openTime + tf - 1,
    price(quoteVolume),
    Math.max(1, Math.round(k.volume * 100)),
    price(k.volume / 2),
    price(quoteVolume / 2),
    '0',
  ];
}

function exchangeInfo(now: number): unknown {
  return {
    timezone: 'UTC',
    serverTime: now,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
    ],
    exchangeFilters: [],
    symbols: spotInfos(),
  };
}

interface SpotInfo {
  symbol: string;
  [field: string]: unknown;
}

let cachedInfos: SpotInfo[] | undefined;

/** The raw exchangeInfo entries of the fixture's spot markets (BTC/USDT, ETH/USDT, ...). */
export function spotInfos(): SpotInfo[] {
  if (!cachedInfos) {
    const file = resolve(process.cwd(), '../shared/data/ccxt-static/binance.markets.json');
    const markets = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { spot: boolean; info: SpotInfo }>;
    cachedInfos = Object.values(markets)
      .filter((market) => market.spot)
      .map((market) => market.info);
  }
  return cachedInfos;
}

function optionalTime(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

function mandatory(name: string): FakeReply {
  return binanceError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
}
