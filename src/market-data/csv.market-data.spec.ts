import { describe, expect, it } from 'vitest';
import type { SeriesRef } from './candle.js';
import { CsvMarketData, parseCsvSpec } from './csv.market-data.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SPEC =
  'BTC/USDT@1m=../shared/data/binanceus_btcusdt_1m_2023-03-01_2023-03-21.csv,' +
  'BTC/USD@1h=../shared/data/kraken_xbtusd_1h_2023q1.csv,' +
  'BTC/USD@1d=../shared/data/kraken_xbtusd_1d_2023q1.csv';
const source = new CsvMarketData(parseCsvSpec(SPEC));
const btc1m: SeriesRef = { exchange: 'binanceus', symbol: 'BTC/USDT', timeframe: '1m' };
const MARCH_1 = Date.UTC(2023, 2, 1);
const MARCH_2 = Date.UTC(2023, 2, 2);

describe('CsvMarketData', () => {
  it('serves closed candles from `since`, oldest first, the oldest `limit` of them', async () => {
    const asOf = MARCH_2 + 30_000; // mid-candle: the 00:00 candle is still forming
    const first3 = await source.fetchClosedCandles(btc1m, 0, asOf, 3);
    expect(first3.map((k) => k.openTime)).toEqual([MARCH_1, MARCH_1 + MINUTE, MARCH_1 + 2 * MINUTE]);
    // A backlog larger than `limit`: its oldest candles, then the rest from just after the last one received.
    const since = MARCH_2 - 10 * MINUTE;
    const head = await source.fetchClosedCandles(btc1m, since, asOf, 4);
    expect(head.map((k) => k.openTime)).toEqual([0, 1, 2, 3].map((i) => since + i * MINUTE));
    const rest = await source.fetchClosedCandles(btc1m, head.at(-1)!.openTime + MINUTE, asOf, 100);
    expect(rest.map((k) => k.openTime)).toEqual([4, 5, 6, 7, 8, 9].map((i) => since + i * MINUTE));
    expect([...head, ...rest]).toEqual(await source.fetchClosedCandles(btc1m, since, asOf, 100));
    // `since` between open times starts at the next candle; the forming 00:00 candle is never served.
    const sinceCut = await source.fetchClosedCandles(btc1m, MARCH_2 - 2 * MINUTE + 1, asOf, 100);
    expect(sinceCut.map((k) => k.openTime)).toEqual([MARCH_2 - MINUTE]);
    expect(await source.fetchClosedCandles(btc1m, MARCH_2, asOf, 100)).toEqual([]);
    // A candle closing exactly at `asOf` is closed.
    const atClose = await source.fetchClosedCandles(btc1m, MARCH_2, MARCH_2 + MINUTE, 5);
    expect(atClose.map((k) => k.openTime)).toEqual([MARCH_2]);
    expect(await source.fetchClosedCandles(btc1m, MARCH_2, MARCH_2 + MINUTE - 1, 5)).toEqual([]);
  });

  it('serves nothing before the data and at most the data at its end', async () => {
    expect(await source.fetchClosedCandles(btc1m, 0, Date.UTC(2023, 1, 1), 10)).toEqual([]);
    const all = await source.fetchClosedCandles(btc1m, 0, Date.UTC(2024, 0, 1), 1e9);
    expect(all).toHaveLength(30_240);
    expect(await source.fetchClosedCandles(btc1m, 0, MARCH_2, 0)).toEqual([]);
  });

  it('serves any exchange label the same candles', async () => {
    const a = await source.fetchClosedCandles(btc1m, 0, MARCH_2, 5);
    const b = await source.fetchClosedCandles({ ...btc1m, exchange: 'paper' }, 0, MARCH_2, 5);
    expect(b).toEqual(a);
  });

  it('resamples to whole multiples, serving only closed buckets', async () => {
    const series: SeriesRef = { ...btc1m, timeframe: '15m' };
    // At 00:29 the 00:15 bucket is still forming: only 00:00 is served from midnight on.
    const quarters = await source.fetchClosedCandles(series, MARCH_2, MARCH_2 + 29 * MINUTE, 5);
    expect(quarters.map((k) => k.openTime)).toEqual([MARCH_2]);
    const [quarter] = quarters;
    const [firstQuarter] = await source.fetchClosedCandles(series, 0, MARCH_2 + 29 * MINUTE, 1);
    expect(firstQuarter.openTime).toBe(MARCH_1);
    const minutes = await source.fetchClosedCandles(btc1m, MARCH_2, MARCH_2 + 15 * MINUTE, 15);
    expect(minutes).toHaveLength(15);
    expect(quarter.open).toBe(minutes[0].open);
    expect(quarter.close).toBe(minutes[14].close);
    expect(quarter.high).toBe(Math.max(...minutes.map((k) => k.high)));
    // Resampling the file's own 1h to 4h, and using the 1d file as is.
    const fourHours = await source.fetchClosedCandles({ ...btc1m, symbol: 'BTC/USD', timeframe: '4h' }, 0, MARCH_2, 1e6);
    expect(fourHours).toHaveLength(60 * 6); // Jan 1 to Mar 2
    expect(fourHours[0].openTime).toBe(Date.UTC(2023, 0, 1));
    expect(fourHours.at(-1)!.openTime).toBe(MARCH_2 - 4 * HOUR);
    const daily: SeriesRef = { ...btc1m, symbol: 'BTC/USD', timeframe: '1d' };
    const days = await source.fetchClosedCandles(daily, MARCH_1, MARCH_2, 10);
    expect(days).toHaveLength(1); // Mar 2 is forming
    expect(days[0]).toMatchObject({ openTime: MARCH_1, volume: expect.any(Number) });
    const [firstDay] = await source.fetchClosedCandles(daily, 0, MARCH_2, 1);
    expect(firstDay.openTime).toBe(Date.UTC(2023, 0, 1));
  });

  it('prices at the close of the newest closed candle of the finest file', async () => {
    // At 00:01:30 the 00:00 minute is the newest closed one; 00:01 is forming.
    const asOf = MARCH_2 + 90_000;
    const newest = await source.fetchClosedCandles(btc1m, MARCH_2, asOf, 10);
    expect(newest.map((k) => k.openTime)).toEqual([MARCH_2]);
    const [forming] = await source.fetchClosedCandles(btc1m, MARCH_2 + MINUTE, MARCH_2 + 2 * MINUTE, 1);
    expect(forming.close).not.toBe(newest[0].close);
    expect(await source.lastPrice('any', 'BTC/USDT', asOf)).toBe(newest[0].close);
    // BTC/USD's finest file is 1h: at 00:00:00.001 the 23:00 hour is the newest closed one.
    const hours = await source.fetchClosedCandles({ ...btc1m, symbol: 'BTC/USD', timeframe: '1h' }, MARCH_2 - HOUR, MARCH_2 + 1, 10);
    expect(hours.map((k) => k.openTime)).toEqual([MARCH_2 - HOUR]);
    expect(await source.lastPrice('any', 'BTC/USD', MARCH_2 + 1)).toBe(hours[0].close);
    expect(await source.lastPrice('any', 'BTC/USDT', 0)).toBeUndefined();
  });

  it('starts a replay at the earliest candle across files', () => {
    expect(source.replayOrigin()).toBe(Date.UTC(2023, 0, 1));
  });

  it('says which markets are configured when asked for another', async () => {
    const configured = /configured markets are BTC\/USDT@1m, BTC\/USD@1h, BTC\/USD@1d/;
    await expect(source.fetchClosedCandles({ ...btc1m, symbol: 'ETH/USDT' }, 0, MARCH_2, 1)).rejects.toThrow(
      configured,
    );
    await expect(source.fetchClosedCandles({ ...btc1m, symbol: 'BTC/USD' }, 0, MARCH_2, 1)).rejects.toThrow(
      /cannot serve BTC\/USD@1m/,
    );
    await expect(source.lastPrice('any', 'ETH/USDT', MARCH_2)).rejects.toThrow(configured);
  });

  it('refuses no files and a market configured twice', () => {
    expect(() => new CsvMarketData([])).toThrow(/at least one candle file/);
    const twice = parseCsvSpec(`${SPEC.split(',')[0]},${SPEC.split(',')[0]}`);
    expect(() => new CsvMarketData(twice)).toThrow(/BTC\/USDT@1m is configured twice/);
  });
});
