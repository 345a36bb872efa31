import { describe, expect, it } from 'vitest';
import { parseCsvSpec } from './csv-spec.js';

describe('parseCsvSpec', () => {
  it('reads SYMBOL@TIMEFRAME=path entries separated by commas', () => {
    const spec =
      'BTC/USDT@1m=../shared/data/binanceus_btcusdt_1m_2023-03-01_2023-03-21.csv, BTC/USD@1h=data/kraken.csv';
    expect(parseCsvSpec(spec)).toEqual([
      { symbol: 'BTC/USDT', timeframe: '1m', path: '../shared/data/binanceus_btcusdt_1m_2023-03-01_2023-03-21.csv' },
      { symbol: 'BTC/USD', timeframe: '1h', path: 'data/kraken.csv' },
    ]);
  });

  it('gives no entries for an empty spec', () => {
    expect(parseCsvSpec('  ')).toEqual([]);
  });

  it.each([
    ['BTC/USDT@1m', 'entry 1 "BTC/USDT@1m": missing "=path"'],
    ['BTC/USDT=a.csv', 'missing "@TIMEFRAME"'],
    ['@1m=a.csv', 'empty symbol'],
    ['BTC/USDT@1m=a.csv,ETH/USDT@7m=b.csv', 'entry 2 "ETH/USDT@7m=b.csv": unknown timeframe "7m" (one of 1m, 3m'],
    ['BTC/USDT@1m=', 'empty path'],
    ['BTC/USDT@1m=a.csv,', 'entry 2 "": missing "=path"'],
  ])('rejects %j naming the entry and the expected form', (spec, message) => {
    expect(() => parseCsvSpec(spec)).toThrow(message);
    expect(() => parseCsvSpec(spec)).toThrow('expected SYMBOL@TIMEFRAME=path');
  });
});
