import type { Exchange } from 'ccxt';

/**
 * Points a ccxt binance instance at the fake: every `urls.api` entry keeps its path (`/api/v3`, `/sapi/v1`, ...)
 * under the fake's origin, so any endpoint a later route group adds is reached without touching this.
 * Also limits market loading to spot and turns off the calls ccxt makes once keys are set (currencies, margin
 * pairs): the fake answers spot only, and a test should see only the requests it is about.
 */
export function pointAtFakeBinance(exchange: Exchange, origin: string): void {
  const api = exchange.urls.api as Record<string, unknown>;
  for (const [key, value] of Object.entries(api)) {
    if (typeof value === 'string') api[key] = origin + new URL(value).pathname;
  }
  const fetchMarkets = exchange.options.fetchMarkets as Record<string, unknown> | undefined;
  exchange.options.fetchMarkets = { ...fetchMarkets, types: ['spot'], loadAllOptions: false };
  exchange.options.fetchCurrencies = false;
  exchange.options.fetchMargins = false;
}
