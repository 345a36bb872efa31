import { basename, resolve } from 'node:path';
import type { CreateBotDto } from '../bots/index.js';
import { readCsvCandles, TIMEFRAMES, timeframeMs, type CandleColumns, type Timeframe } from '../market-data/index.js';
import { BacktestInputError } from './backtest-input-error.js';

/** The candle file as the backtest uses it: which market, which timeframe, which span. */
export interface CandleFile {
  /** Absolute path: the replayed app resolves it whatever its working directory. */
  path: string;
  symbol: string;
  timeframe: Timeframe;
  /** Open time of the first candle and close time of the last one. */
  start: number;
  end: number;
  /** Set when the file's market was assumed rather than known: said to the user, and kept in the report. */
  symbolAssumed: boolean;
}

export interface CandleFileHints {
  symbol?: string;
  timeframe?: Timeframe;
}

/** Reads the file once up front: a bad file, a market the bot does not trade or a timeframe it cannot use fail here. */
export function loadCandleFile(path: string, bot: CreateBotDto, hints: CandleFileHints): CandleFile {
  const absolute = resolve(path);
  if (absolute.includes(',')) throw new BacktestInputError(`--csv: the path ${absolute} holds a comma, which the csv market data spec cannot carry; rename or move the file`);
  let columns: CandleColumns;
  try {
    columns = readCsvCandles(absolute);
  } catch (error) {
    throw new BacktestInputError(`--csv: ${(error as Error).message}`);
  }
  if (columns.length < 2) throw new BacktestInputError(`--csv: ${path} holds ${columns.length} candle(s); a backtest needs more`);
  const timeframe = hints.timeframe ?? inferTimeframe(columns, path);
  const { symbol, assumed } = marketOf(path, bot.symbol.toUpperCase(), hints.symbol);
  checkConditionTimeframes(bot, timeframe);
  return { path: absolute, symbol, timeframe, start: columns.openTime[0], end: columns.openTime[columns.length - 1] + timeframeMs(timeframe), symbolAssumed: assumed };
}

/** The smallest gap between consecutive candles is the timeframe (a gap in the data only makes some gaps longer). */
export function inferTimeframe(columns: Pick<CandleColumns, 'openTime' | 'length'>, path: string): Timeframe {
  let gap = Infinity;
  for (let i = 1; i < Math.min(columns.length, 1000); i++) gap = Math.min(gap, columns.openTime[i] - columns.openTime[i - 1]);
  const found = TIMEFRAMES.find((tf) => timeframeMs(tf) === gap);
  if (!found) throw new BacktestInputError(`--csv: the candles of ${path} are ${gap / 1000} s apart, which is no timeframe the app knows; say which with --timeframe`);
  return found;
}

/**
 * The file holds no symbol column, so its market is what --symbol says, else the bot's. When the file's name names
 * the bot's market (binanceus_btcusdt_1m….csv for BTC/USDT) that is confirmed; otherwise it is an assumption.
 */
export function marketOf(path: string, botSymbol: string, given: string | undefined): { symbol: string; assumed: boolean } {
  if (given !== undefined && given !== botSymbol) {
    throw new BacktestInputError(`the bot trades ${botSymbol} but --symbol says the candle file holds ${given}: a bot is backtested on its own market only`);
  }
  if (given !== undefined) return { symbol: given, assumed: false };
  const compact = botSymbol.replace('/', '').toLowerCase();
  return { symbol: botSymbol, assumed: !basename(path).toLowerCase().replace(/[-_ ]/g, '').includes(compact) };
}

/** Conditions on a timeframe the file cannot be resampled to would fail inside the app; say so up front. */
function checkConditionTimeframes(bot: CreateBotDto, timeframe: Timeframe): void {
  const conditions = [...(bot.conditions ?? []).map((c, i) => ({ c, field: `conditions.${i}.timeframe` })),
    ...((bot.trend?.exitConditions ?? []) as { timeframe: Timeframe }[]).map((c, i) => ({ c, field: `trend.exitConditions.${i}.timeframe` }))];
  for (const { c, field } of conditions) {
    if (timeframeMs(c.timeframe as Timeframe) % timeframeMs(timeframe) !== 0) {
      throw new BacktestInputError(`${field}: ${c.timeframe} cannot be made from the file's ${timeframe} candles (it must be a whole multiple of ${timeframe})`);
    }
  }
}
