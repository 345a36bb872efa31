import { timeframeMs, type Timeframe } from '../market-data/index.js';
import { BacktestInputError } from './backtest-input-error.js';
import type { CandleFile } from './candle-file.js';
import { stepCount } from './replay-driver.js';

export interface ReplayRange {
  /** Market time the bot is created at; the first step is one step later. */
  from: number;
  /** The last step's market time. */
  to: number;
  step: Timeframe;
  stepMs: number;
  steps: number;
}

const iso = (time: number) => new Date(time).toISOString();

/**
 * The span replayed: the asked one within the file's (by default from the first candle's close to the last one's),
 * on step boundaries (a step is a candle close). Data before `from` is not wasted: the evaluator warms indicators up
 * on it, as it does live when a bot starts.
 */
export function replayRange(file: CandleFile, asked: { from?: number; to?: number; step?: Timeframe }): ReplayRange {
  const step = asked.step ?? file.timeframe;
  const stepMs = timeframeMs(step);
  if (stepMs % timeframeMs(file.timeframe) !== 0) {
    throw new BacktestInputError(`--step: ${step} is not a whole number of the file's ${file.timeframe} candles`);
  }
  // By default the bot starts once the first candle has closed: there is a price to check its orders against.
  const first = file.start + timeframeMs(file.timeframe);
  const from = Math.ceil(Math.max(asked.from ?? first, file.start) / stepMs) * stepMs;
  const to = Math.floor(Math.min(asked.to ?? file.end, file.end) / stepMs) * stepMs;
  if (asked.from !== undefined && asked.to !== undefined && asked.from >= asked.to) {
    throw new BacktestInputError(`--from (${iso(asked.from)}) must be before --to (${iso(asked.to)})`);
  }
  if (to <= from) {
    throw new BacktestInputError(`nothing to replay: the range asked holds no ${step} step of the file, which spans ${iso(file.start)} to ${iso(file.end)}`);
  }
  return { from, to, step, stepMs, steps: stepCount(from, to, stepMs) };
}
