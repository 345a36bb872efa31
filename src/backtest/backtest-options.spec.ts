import { describe, expect, it } from 'vitest';
import { BacktestInputError } from './backtest-input-error.js';
import { parseBacktestArgs, parseTime } from './backtest-options.js';

describe('backtest arguments', () => {
  it('reads every option, with defaults for the rest', () => {
    expect(parseBacktestArgs(['--bot', 'b.json', '--csv', 'c.csv'], {})).toEqual({
      botFile: 'b.json', csvFile: 'c.csv', outDir: 'backtest-report',
      from: undefined, to: undefined, symbol: undefined, timeframe: undefined, step: undefined, balances: undefined, databaseUrl: undefined,
    });
    const all = parseBacktestArgs(
      ['--bot', 'b.json', '--csv', 'c.csv', '--from', '2023-03-05', '--to', '2023-03-06T12:30', '--symbol', 'btc/usdt', '--timeframe', '1m',
        '--step', '5m', '--balances', 'USDT=500', '--out', 'r', '--database-url', 'postgres://x/y'],
      {},
    );
    expect(all).toMatchObject({ from: Date.UTC(2023, 2, 5), to: Date.UTC(2023, 2, 6, 12, 30), symbol: 'BTC/USDT', timeframe: '1m', step: '5m', balances: 'USDT=500', outDir: 'r', databaseUrl: 'postgres://x/y' });
    expect(parseBacktestArgs(['--bot', 'b', '--csv', 'c'], { DATABASE_URL: 'postgres://env/db' })?.databaseUrl).toBe('postgres://env/db');
    expect(parseBacktestArgs(['--help'], {})).toBeNull();
  });

  it('reads times as UTC unless they name a zone, or as epoch milliseconds', () => {
    expect(parseTime('2023-03-05 12:00', '--from')).toBe(Date.UTC(2023, 2, 5, 12));
    expect(parseTime('2023-03-05T12:00+01:00', '--from')).toBe(Date.UTC(2023, 2, 5, 11));
    expect(parseTime('1677628800000', '--from')).toBe(Date.UTC(2023, 2, 1));
  });

  it('refuses what it cannot use, naming the option', () => {
    const refused = (args: string[], text: string) => expect(() => parseBacktestArgs(args, {})).toThrow(expect.objectContaining({ name: BacktestInputError.name, message: expect.stringContaining(text) }));
    refused(['--csv', 'c.csv'], '--bot is required');
    refused(['--bot', 'b.json'], '--csv is required');
    refused(['--bot', 'b', '--csv', 'c', '--from', 'yesterday'], '--from');
    refused(['--bot', 'b', '--csv', 'c', '--step', '7m'], '--step');
    refused(['--bot', 'b', '--csv', 'c', '--symbol', 'BTCUSDT'], '--symbol');
    refused(['--bot', 'b', '--csv', 'c', '--balances', 'lots'], '--balances');
    refused(['--bot', 'b', '--csv', 'c', '--speed', '2'], "'--speed'");
  });
});
