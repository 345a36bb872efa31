import { EMA, RSI } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import type { Candle, SeriesRef } from './candle.js';
import { SimulatedMarketData } from './simulated.market-data.js';

const MINUTE = 60_000;
const ASOF = Date.UTC(2024, 0, 4, 0, 7, 30);
const btc15m: SeriesRef = { exchange: 'paper', symbol: 'BTC/USDT', timeframe: '15m' };

function fetch(source: SimulatedMarketData, series: SeriesRef, limit: number, since = 0, asOf = ASOF): Promise<Candle[]> {
  return source.fetchClosedCandles(series, since, asOf, limit);
}

describe('SimulatedMarketData', () => {
  it('gives identical candles for the same seed and different ones for another seed', async () => {
    const a = await fetch(new SimulatedMarketData({ seed: 7 }), btc15m, 50);
    const b = await fetch(new SimulatedMarketData({ seed: 7 }), btc15m, 50);
    const c = await fetch(new SimulatedMarketData({ seed: 8 }), btc15m, 50);
    expect(b).toEqual(a);
    expect(c.map((k) => k.close)).not.toEqual(a.map((k) => k.close));
  });

  it('gives each symbol its own plausible, positive path', async () => {
    const source = new SimulatedMarketData({ seed: 1 });
    const btc = await fetch(source, btc15m, 10);
    const eth = await fetch(source, { ...btc15m, symbol: 'ETH/USDT' }, 10);
    expect(eth[0].close).not.toEqual(btc[0].close);
    for (const k of [...btc, ...eth]) {
      expect(k.low).toBeGreaterThan(0);
      expect(k.low).toBeLessThanOrEqual(Math.min(k.open, k.close));
      expect(k.high).toBeGreaterThanOrEqual(Math.max(k.open, k.close));
      expect(k.volume).toBeGreaterThan(0);
      expect(k.close).toBeLessThan(200_000);
    }
  });

  it('serves only closed candles, oldest first, the oldest `limit`, from `since`', async () => {
    const source = new SimulatedMarketData({ seed: 1 });
    // At 00:07:30 the 00:00 candle is forming: 23:45 is the newest closed one.
    const since = Date.UTC(2024, 0, 3, 23, 0);
    const candles = await fetch(source, btc15m, 100, since);
    expect(candles.map((k) => k.openTime)).toEqual([
      Date.UTC(2024, 0, 3, 23, 0),
      Date.UTC(2024, 0, 3, 23, 15),
      Date.UTC(2024, 0, 3, 23, 30),
      Date.UTC(2024, 0, 3, 23, 45),
    ]);
    // More than `limit` closed: the oldest ones, and the rest from just after the last one received.
    const head = await fetch(source, btc15m, 2, since);
    expect(head).toEqual(candles.slice(0, 2));
    expect(await fetch(source, btc15m, 100, head.at(-1)!.openTime + 15 * MINUTE)).toEqual(candles.slice(2));
    const fromStart = await fetch(source, btc15m, 3);
    expect(fromStart.map((k) => k.openTime)).toEqual([0, 15 * MINUTE, 30 * MINUTE]);
    const fromSince = await fetch(source, btc15m, 100, Date.UTC(2024, 0, 3, 23, 20));
    expect(fromSince.map((k) => k.openTime)).toEqual(candles.slice(2).map((k) => k.openTime));
    expect(await fetch(source, btc15m, 100, Date.UTC(2024, 0, 4, 0, 0))).toEqual([]);
    // Closed exactly at `asOf`.
    const atClose = await fetch(source, btc15m, 100, Date.UTC(2024, 0, 4, 0, 0), Date.UTC(2024, 0, 4, 0, 15));
    expect(atClose.map((k) => k.openTime)).toEqual([Date.UTC(2024, 0, 4, 0, 0)]);
    expect(await fetch(source, btc15m, 0)).toEqual([]);
  });

  it('aggregates longer timeframes from the one-minute candles', async () => {
    const source = new SimulatedMarketData({ seed: 3 });
    const [quarter] = await fetch(source, btc15m, 1);
    const minutes = await fetch(source, { ...btc15m, timeframe: '1m' }, 15, quarter.openTime, quarter.openTime + 15 * MINUTE);
    expect(minutes).toHaveLength(15);
    expect(quarter.open).toBe(minutes[0].open);
    expect(quarter.close).toBe(minutes[14].close);
    expect(quarter.high).toBe(Math.max(...minutes.map((k) => k.high)));
    expect(quarter.low).toBe(Math.min(...minutes.map((k) => k.low)));
    expect(quarter.volume).toBeCloseTo(minutes.reduce((sum, k) => sum + k.volume, 0), 6);
    // Consecutive candles join: a close is the next open.
    for (let i = 1; i < minutes.length; i++) expect(minutes[i].open).toBe(minutes[i - 1].close);
  });

  it('reports as last price the close of the last closed 1m candle', async () => {
    const source = new SimulatedMarketData({ seed: 5 });
    const btc1m: SeriesRef = { ...btc15m, timeframe: '1m' };
    // At 00:07:30 the 00:06 minute is the newest closed one; at exactly 00:07 too.
    const newest = await fetch(source, btc1m, 10, Date.UTC(2024, 0, 4, 0, 6));
    expect(newest.map((k) => k.openTime)).toEqual([Date.UTC(2024, 0, 4, 0, 6)]);
    expect(await source.lastPrice('any', 'BTC/USDT', ASOF)).toBe(newest[0].close);
    expect(await source.lastPrice('any', 'BTC/USDT', Date.UTC(2024, 0, 4, 0, 7))).toBe(newest[0].close);
    const [forming] = await fetch(source, btc1m, 1, Date.UTC(2024, 0, 4, 0, 7), Date.UTC(2024, 0, 4, 0, 8));
    expect(forming.close).not.toBe(newest[0].close);
    expect(source.replayOrigin()).toBeUndefined();
  });

  it('swings enough over 3 days of 15m candles for RSI(14) to cross 30 and 70 and EMAs to cross', async () => {
    const candles = await fetch(new SimulatedMarketData({ seed: 2 }), btc15m, 3 * 96);
    const rsi = new RSI(14);
    const fast = new EMA(9);
    const slow = new EMA(21);
    const values: number[] = [];
    let crossings = 0;
    let previousSide: boolean | undefined;
    for (const { close } of candles) {
      rsi.add(close);
      fast.add(close);
      slow.add(close);
      const r = rsi.getResult();
      if (r !== null) values.push(r);
      const f = fast.getResult();
      const s = slow.getResult();
      if (f === null || s === null) continue;
      const side = f > s;
      if (previousSide !== undefined && side !== previousSide) crossings++;
      previousSide = side;
    }
    expect(Math.min(...values)).toBeLessThan(30);
    expect(Math.max(...values)).toBeGreaterThan(70);
    expect(crossings).toBeGreaterThanOrEqual(2);
  });
});
