import { MarketDataSource, seriesKey, type Candle, type SeriesRef } from '../../src/market-data/index.js';

/** Any market data source, counting the candle fetches made through it per series (and the price look-ups). */
export class CountingMarketData extends MarketDataSource {
  readonly kind: string;
  readonly fetches = new Map<string, number>();
  priceLookups = 0;

  constructor(private readonly inner: MarketDataSource) {
    super();
    this.kind = `counting ${inner.kind}`;
  }

  fetchClosedCandles(series: SeriesRef, since: number, asOf: number, limit: number): Promise<Candle[]> {
    const key = seriesKey(series);
    this.fetches.set(key, (this.fetches.get(key) ?? 0) + 1);
    return this.inner.fetchClosedCandles(series, since, asOf, limit);
  }

  lastPrice(exchange: string, symbol: string, asOf: number): Promise<number | undefined> {
    this.priceLookups++;
    return this.inner.lastPrice(exchange, symbol, asOf);
  }

  replayOrigin(): number | undefined {
    return this.inner.replayOrigin();
  }

  reset(): void {
    this.fetches.clear();
    this.priceLookups = 0;
  }
}
