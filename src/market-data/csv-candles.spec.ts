import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertAligned, parseCsvCandles, readCsvCandles } from './csv-candles.js';

const data = (name: string) => resolve(process.cwd(), '../shared/data', name);

describe('readCsvCandles', () => {
  it('reads the headed Binance export with its dated open times', () => {
    const columns = readCsvCandles(data('binanceus_btcusdt_1m_2023-03-01_2023-03-21.csv'));
    expect(columns.length).toBe(30_240);
    expect(columns.candle(0)).toEqual({
      openTime: Date.UTC(2023, 2, 1),
      open: 23140.48,
      high: 23150.77,
      low: 23128.52,
      close: 23142.31,
      volume: 2.131777,
    });
    expect(columns.openTime[columns.length - 1]).toBe(Date.UTC(2023, 2, 21, 23, 59));
    expect(columns.close[columns.length - 1]).toBe(28110.26);
  });

  it('reads the headerless Kraken export with times in Unix seconds', () => {
    const columns = readCsvCandles(data('kraken_xbtusd_1h_2023q1.csv'));
    expect(columns.length).toBe(2_160);
    expect(columns.candle(0)).toEqual({
      openTime: 1_672_531_200_000,
      open: 16528.7,
      high: 16530.0,
      low: 16505.2,
      close: 16519.3,
      volume: 96.61968029,
    });
    expect(() => assertAligned(columns, 3_600_000, 'kraken')).not.toThrow();
  });

  it('names the file when it cannot be read', () => {
    expect(() => readCsvCandles(data('missing.csv'))).toThrow(/cannot read candle file .*missing\.csv/);
  });
});

describe('parseCsvCandles', () => {
  it('finds columns by header name, in any order, and reads zone-less dates as UTC', () => {
    const text = 'volume,close,low,high,open,timestamp\r\n5,4,3,9,2,2023-03-01 00:01:00\r\n\r\n';
    expect(parseCsvCandles(text, 't').candle(0)).toEqual({
      openTime: Date.UTC(2023, 2, 1, 0, 1),
      open: 2,
      high: 9,
      low: 3,
      close: 4,
      volume: 5,
    });
  });

  it('takes large numeric times as milliseconds', () => {
    expect(parseCsvCandles('1672531200000,1,2,0.5,1.5,10\n', 't').openTime[0]).toBe(1_672_531_200_000);
  });

  it('gives nothing for an empty file', () => {
    expect(parseCsvCandles('\n', 't').length).toBe(0);
  });

  it('names the line and the problem', () => {
    expect(() => parseCsvCandles('1,1,1,1,1,1\n2,1,x,1,1,1\n', 'f.csv')).toThrow('f.csv:2: high is not a number');
    expect(() => parseCsvCandles('60,1,1,1,1,1\n60,1,1,1,1,1\n', 'f.csv')).toThrow('f.csv:2: open times must be');
    expect(() => parseCsvCandles('when,open,high,low,close,volume\n', 'f.csv')).toThrow(/must name a time column/);
    expect(() => parseCsvCandles('open_time,open,high\n', 'f.csv')).toThrow(/f\.csv: header/);
  });

  it('rejects rows off the declared timeframe', () => {
    const columns = parseCsvCandles('60,1,1,1,1,1\n150,1,1,1,1,1\n', 't');
    expect(() => assertAligned(columns, 60_000, 'f.csv')).toThrow(/f\.csv: candle at 1970-01-01T00:02:30.000Z/);
  });
});
