import { TIMEFRAMES, isTimeframe, type Timeframe } from './candle.js';

/** One candle file and the market it holds; a relative `path` is resolved from the working directory. */
export interface CsvFileEntry {
  symbol: string;
  timeframe: Timeframe;
  path: string;
}

const EXPECTED = 'expected SYMBOL@TIMEFRAME=path, e.g. BTC/USDT@1m=../shared/data/btcusdt_1m.csv';

/**
 * Parses the environment form `SYMBOL@TIMEFRAME=path,SYMBOL@TIMEFRAME=path`.
 * An empty spec gives no entries; whether that is acceptable is the caller's decision.
 */
export function parseCsvSpec(spec: string): CsvFileEntry[] {
  if (spec.trim() === '') return [];
  return spec.split(',').map((raw, index) => parseEntry(raw.trim(), index + 1));
}

function parseEntry(entry: string, position: number): CsvFileEntry {
  const fail = (problem: string): never => {
    throw new Error(`csv spec entry ${position} "${entry}": ${problem}; ${EXPECTED}`);
  };
  const equals = entry.indexOf('=');
  if (equals < 0) fail('missing "=path"');
  const market = entry.slice(0, equals).trim();
  const path = entry.slice(equals + 1).trim();
  const at = market.lastIndexOf('@');
  if (at < 0) fail('missing "@TIMEFRAME" after the symbol');
  const symbol = market.slice(0, at).trim();
  const timeframe = market.slice(at + 1).trim();
  if (symbol === '') fail('empty symbol');
  if (!isTimeframe(timeframe)) fail(`unknown timeframe "${timeframe}" (one of ${TIMEFRAMES.join(', ')})`);
  if (path === '') fail('empty path');
  return { symbol, timeframe: timeframe as Timeframe, path };
}
