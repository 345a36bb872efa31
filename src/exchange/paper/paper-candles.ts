import { Logger } from '@nestjs/common';
import { TIMEFRAMES, timeframeMs, type Candle, type MarketDataSource, type Timeframe } from '../../market-data/index.js';
import { ExchangeUnavailable } from '../exchange.port.js';

const PAGE = 1000;

/** A source error that says "try again later" (ccxt network trouble) rather than "this series does not exist". */
export function isRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true;
}

export function unavailable(error: unknown): ExchangeUnavailable {
  const message = error instanceof Error ? error.message : String(error);
  return new ExchangeUnavailable('network', `paper exchange: market data unavailable: ${message}`);
}

/**
 * The candles resting orders are matched against: the finest timeframe the market data serves for the symbol
 * (1m from ccxt or the simulated market; a csv source serves only its files' timeframes and their multiples, so
 * a 1h file gives 1h). The timeframe found is kept per symbol. Sources give the OLDEST `limit` candles from
 * `since`, so pages are read until a short one: a long gap (orders untouched for weeks) is caught up in full.
 */
export class PaperCandles {
  private readonly logger = new Logger(PaperCandles.name);
  private readonly timeframes = new Map<string, Timeframe>();

  constructor(
    private readonly marketData: MarketDataSource,
    private readonly exchange: string,
  ) {}

  async closedSince(symbol: string, since: number, asOf: number): Promise<{ candles: Candle[]; timeframeMs: number }> {
    const { timeframe, first } = await this.timeframeOf(symbol, since, asOf);
    const ms = timeframeMs(timeframe);
    const candles = [...first];
    let page = first;
    while (page.length === PAGE) {
      page = await this.fetch(symbol, timeframe, page[PAGE - 1].openTime + ms, asOf);
      candles.push(...page);
    }
    return { candles, timeframeMs: ms };
  }

  /** Finds (once per symbol) the finest timeframe served, returning the first page it fetched on the way. */
  private async timeframeOf(symbol: string, since: number, asOf: number): Promise<{ timeframe: Timeframe; first: Candle[] }> {
    const known = this.timeframes.get(symbol);
    if (known) return { timeframe: known, first: await this.fetch(symbol, known, since, asOf) };
    let lastError: unknown;
    for (const timeframe of TIMEFRAMES) {
      try {
        const first = await this.marketData.fetchClosedCandles({ exchange: this.exchange, symbol, timeframe }, since, asOf, PAGE);
        this.timeframes.set(symbol, timeframe);
        if (timeframe !== TIMEFRAMES[0]) {
          this.logger.log({ symbol, timeframe, exchange: this.exchange }, `paper limit orders on ${symbol} are matched on ${timeframe} candles, the finest served`);
        }
        return { timeframe, first };
      } catch (error) {
        if (isRetryable(error)) throw unavailable(error);
        lastError = error;
      }
    }
    throw lastError;
  }

  private async fetch(symbol: string, timeframe: Timeframe, since: number, asOf: number): Promise<Candle[]> {
    try {
      return await this.marketData.fetchClosedCandles({ exchange: this.exchange, symbol, timeframe }, since, asOf, PAGE);
    } catch (error) {
      throw isRetryable(error) ? unavailable(error) : error;
    }
  }
}
