import { resolve } from 'node:path';
import type { Exchange } from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Candle, SeriesRef } from '../../src/market-data/candle.js';
import { CcxtMarketData, MarketDataFetchError, type CcxtMarketDataOptions } from '../../src/market-data/ccxt.market-data.js';
import { readCsvCandles } from '../../src/market-data/csv-candles.js';
import { resampleColumns } from '../../src/market-data/resample-candles.js';
import { pointAtFakeBinance } from '../support/fake-binance/ccxt-binding.js';
import { binanceError, start, type FakeBinance } from '../support/fake-binance/fake-binance.server.js';

const MINUTE = 60_000;
const QUARTER = 15 * MINUTE;
/** The first candle of the file the fake serves. */
const FILE_START = Date.UTC(2023, 2, 1);
// Mid-candle: the 12:00 candle is forming, 11:59 is the last closed one.
const NOW = Date.UTC(2023, 2, 10, 12, 0, 30);
const LAST_CLOSED = Date.UTC(2023, 2, 10, 11, 59);
const btc1m: SeriesRef = { exchange: 'paper', symbol: 'BTC/USDT', timeframe: '1m' };

const file = readCsvCandles(resolve(process.cwd(), '../shared/data/binanceus_btcusdt_1m_2023-03-01_2023-03-21.csv'));
const quarters = resampleColumns(file, MINUTE, 15 * MINUTE);
const minutes = file.toCandles(0, file.length);

/** The file's candles with open times in [from, to]. */
function fileCandles(from: number, to: number): Candle[] {
  return minutes.filter((k) => k.openTime >= from && k.openTime <= to);
}

describe('CcxtMarketData against a fake Binance', () => {
  let binance: FakeBinance;
  const exchanges: Exchange[] = [];

  beforeAll(async () => {
    binance = await start({
      now: () => NOW,
      klines: { BTCUSDT: { '1m': minutes, '15m': quarters.toCandles(0, quarters.length) } },
    });
  });
  afterAll(() => binance.close());

  function build(options: Omit<CcxtMarketDataOptions, 'configure'> = {}): CcxtMarketData {
    return new CcxtMarketData({
      ...options,
      configure: (exchange) => {
        pointAtFakeBinance(exchange, binance.url);
        exchanges.push(exchange);
      },
    });
  }

  const klineRequests = () => binance.requests.filter((r) => r.path === '/api/v3/klines');

  it('serves the exchange candles unchanged, closed ones only, in one request', async () => {
    const source = build();
    const before = klineRequests().length;
    const since = LAST_CLOSED - 99 * MINUTE;
    const candles = await source.fetchClosedCandles(btc1m, since, NOW, 1000);
    expect(candles).toEqual(fileCandles(since, LAST_CLOSED));
    expect(candles).toHaveLength(100);
    expect(source.fetchCount).toBe(1);
    const [request] = klineRequests().slice(before);
    // The 100 closed candles and the forming one, which is dropped.
    expect(request.params).toMatchObject({ symbol: 'BTCUSDT', interval: '1m', startTime: String(since), limit: '101' });
  });

  it('serves the oldest `limit` from `since`, asking no more than that', async () => {
    const source = build();
    const before = klineRequests().length;
    const candles = await source.fetchClosedCandles(btc1m, 0, NOW, 100);
    expect(candles).toEqual(fileCandles(FILE_START, FILE_START + 99 * MINUTE));
    expect(source.fetchCount).toBe(1);
    const [request] = klineRequests().slice(before);
    expect(request.params).toMatchObject({ startTime: '0', limit: '100' });
  });

  it('drops the forming candle the exchange returns', async () => {
    const source = build();
    await source.fetchClosedCandles(btc1m, 0, NOW, 1);
    const raw = await exchanges.at(-1)!.fetchOHLCV('BTC/USDT', '1m', LAST_CLOSED, 5);
    expect(raw.map((row) => row[0])).toEqual([LAST_CLOSED, LAST_CLOSED + MINUTE]);
    const before = source.fetchCount;
    const candles = await source.fetchClosedCandles(btc1m, LAST_CLOSED, NOW, 5);
    expect(candles.map((k) => k.openTime)).toEqual([LAST_CLOSED]);
    expect(source.fetchCount).toBe(before + 1);
    expect(await source.fetchClosedCandles(btc1m, LAST_CLOSED + MINUTE, NOW, 5)).toEqual([]);
    expect(source.fetchCount).toBe(before + 1); // nothing closed since: no request
  });

  it('prices at the close of the newest closed 1m candle', async () => {
    const source = build();
    const [newest] = fileCandles(LAST_CLOSED, LAST_CLOSED);
    const [forming] = fileCandles(LAST_CLOSED + MINUTE, LAST_CLOSED + MINUTE);
    expect(forming.close).not.toBe(newest.close);
    const before = klineRequests().length;
    expect(await source.lastPrice('paper', 'BTC/USDT', NOW)).toBe(newest.close);
    const requests = klineRequests().slice(before);
    expect(requests).toHaveLength(1);
    expect(requests[0].params).toMatchObject({ interval: '1m', startTime: String(LAST_CLOSED), limit: '1' });
    // At an earlier moment, the exchange's newer candles are not yet closed.
    const earlier = LAST_CLOSED - 30 * MINUTE + 1;
    expect(await source.lastPrice('paper', 'BTC/USDT', earlier)).toBe(fileCandles(earlier - MINUTE - 1, earlier - MINUTE - 1)[0].close);
  });

  it('pages through long histories and keeps the oldest `limit`, in order, without gap or duplicate', async () => {
    const source = build({ pageLimit: 100 });
    const before = klineRequests().length;
    const head = await source.fetchClosedCandles(btc1m, 0, NOW, 250);
    expect(head).toEqual(fileCandles(FILE_START, FILE_START + 249 * MINUTE));
    expect(source.fetchCount).toBe(3);
    // Each page starts right after the previous one's newest candle, and the last asks only for what is missing.
    expect(klineRequests().slice(before).map((r) => [r.params.startTime, r.params.limit])).toEqual([
      ['0', '100'],
      [String(FILE_START + 100 * MINUTE), '100'],
      [String(FILE_START + 200 * MINUTE), '50'],
    ]);
    // Catching up continues from the last candle received.
    const next = await source.fetchClosedCandles(btc1m, head.at(-1)!.openTime + MINUTE, NOW, 250);
    expect([...head, ...next]).toEqual(fileCandles(FILE_START, FILE_START + 499 * MINUTE));
    expect(source.fetchCount).toBe(6);

    // Up to the present: pages of 7 end with a short one whose forming candle is dropped.
    const small = build({ pageLimit: 7 });
    const since = LAST_CLOSED - 19 * MINUTE;
    expect(await small.fetchClosedCandles(btc1m, since, NOW, 1000)).toEqual(fileCandles(since, LAST_CLOSED));
    expect(small.fetchCount).toBe(3);
    // A `limit` reached mid-backlog stops the paging there.
    const oldest = await small.fetchClosedCandles(btc1m, since, NOW, 10);
    expect(oldest).toEqual(fileCandles(since, since + 9 * MINUTE));
    expect(small.fetchCount).toBe(5);
  });

  it('fetches once per series per tick, on one ccxt instance per exchange', async () => {
    const source = build();
    const infoBefore = binance.requests.filter((r) => r.path === '/api/v3/exchangeInfo').length;
    const quarter: SeriesRef = { ...btc1m, exchange: 'binance', timeframe: '15m' };
    // A first tick at 11:57:30 loads 50 candles of each series: the newest closed are 11:56 and 11:30.
    const firstTick = NOW - 3 * MINUTE;
    const [ones, fifteens] = await Promise.all([
      source.fetchClosedCandles(btc1m, LAST_CLOSED - 52 * MINUTE, firstTick, 50),
      source.fetchClosedCandles(quarter, Date.UTC(2023, 2, 10, 11, 30) - 49 * QUARTER, firstTick, 50),
    ]);
    expect(source.fetchCount).toBe(2);
    expect(ones).toEqual(fileCandles(LAST_CLOSED - 52 * MINUTE, LAST_CLOSED - 3 * MINUTE));
    expect(fifteens).toHaveLength(50);
    expect(fifteens.at(-1)!.openTime).toBe(Date.UTC(2023, 2, 10, 11, 30));
    // The next tick asks from one timeframe after each series' last candle: one request each.
    const [newOnes, newFifteens] = await Promise.all([
      source.fetchClosedCandles(btc1m, ones.at(-1)!.openTime + MINUTE, NOW, 50),
      source.fetchClosedCandles(quarter, fifteens.at(-1)!.openTime + QUARTER, NOW, 50),
    ]);
    expect(source.fetchCount).toBe(4);
    expect(newOnes).toEqual(fileCandles(LAST_CLOSED - 2 * MINUTE, LAST_CLOSED));
    expect(newFifteens.map((k) => k.openTime)).toEqual([Date.UTC(2023, 2, 10, 11, 45)]);
    // 'paper' maps to binance: both series share an instance, which loaded the markets once.
    expect(binance.requests.filter((r) => r.path === '/api/v3/exchangeInfo').length).toBe(infoBefore + 1);
  });

  it('names the exchange, symbol and timeframe when ccxt fails', async () => {
    const source = build();
    const failure = source.fetchClosedCandles({ ...btc1m, symbol: 'NOPE/USDT' }, 0, NOW, 10);
    await expect(failure).rejects.toThrow(/ccxt binance fetchOHLCV NOPE\/USDT 1m failed/);
    await expect(failure).rejects.toMatchObject({ retryable: false });
    expect(source.fetchCount).toBe(1);
  });

  it('marks a rate-limited fetch as retryable', async () => {
    const source = build();
    await source.fetchClosedCandles(btc1m, 0, NOW, 1); // markets loaded before the fault
    let limited = true;
    binance.intercept((request) => {
      if (!limited || request.path !== '/api/v3/klines') return undefined;
      limited = false;
      return { ...binanceError(429, -1003, 'Too many requests.'), headers: { 'retry-after': '1' } };
    });
    const error = await source.fetchClosedCandles(btc1m, 0, NOW, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MarketDataFetchError);
    expect(error).toMatchObject({ retryable: true, code: 'MARKET_DATA_FETCH_FAILED' });
    expect((error as Error).message).toMatch(/binance .*BTC\/USDT 1m/);
  });

  it('refuses an exchange ccxt does not know', async () => {
    await expect(build().fetchClosedCandles({ ...btc1m, exchange: 'nowhere' }, 0, NOW, 1)).rejects.toThrow(
      'ccxt has no exchange "nowhere"',
    );
  });
});
