export { ReplayDriver, settleBus, stepCount, type ProviderSource, type ReplayOptions, type RunHooks } from './replay-driver.js';
export { runBacktest, type BacktestResult } from './run-backtest.js';
export { parseBacktestArgs, parseTime, USAGE, type BacktestOptions } from './backtest-options.js';
export { BacktestInputError, EXIT } from './backtest-input-error.js';
export { consoleProgress, type ProgressReporter } from './progress.js';
export type { BacktestReport, BacktestSummary } from './report.js';
export type { DealRecord, TradeRecord, TimelineEvent } from './report-data.js';
export type { EquityPoint } from './equity.js';
