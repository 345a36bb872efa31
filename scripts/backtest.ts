import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { BacktestInputError, consoleProgress, EXIT, parseBacktestArgs, runBacktest, USAGE, type BacktestResult } from '../src/backtest/index.js';

/**
 * `npm run backtest -- --bot bot.json --csv candles.csv [--from --to …]`: the command around runBacktest. Progress
 * and problems go to stderr, the summary to stdout; exit codes are in src/backtest/backtest-input-error.ts (EXIT).
 */
async function main(): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const options = parseBacktestArgs(process.argv.slice(2));
  if (!options) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const interrupt = new AbortController();
  process.once('SIGINT', () => interrupt.abort());
  process.once('SIGTERM', () => interrupt.abort());
  const result = await runBacktest({ ...options, progress: consoleProgress(), signal: interrupt.signal });
  process.stdout.write(summary(result));
  return EXIT.ok;
}

function summary({ report, files, notes }: BacktestResult): string {
  const s = report.summary;
  const quote = report.equity.quote;
  return [
    ...notes.map((note) => `note: ${note}`),
    `${report.bot.name}: ${report.market.symbol} ${report.range.from} → ${report.range.to} (${report.range.steps} steps of ${report.range.step})`,
    `  deals ${s.deals.total} (${s.deals.closed} closed, ${s.deals.open} open, ${s.deals.canceled} canceled), fills ${s.trades}, win rate ${s.winRate === null ? 'n/a (no deal closed)' : `${s.winRate}%`}`,
    `  PnL ${s.totalPnl} ${quote} (${s.totalPnlPercent}%): realized ${s.realizedPnl}, unrealized ${s.unrealizedPnl}; fees ${s.fees}`,
    `  max drawdown ${s.maxDrawdown.amount} ${quote} (${s.maxDrawdown.percent}%)`,
    `report: ${files.html} (also ${files.json}, ${files.trades}, ${files.deals}, ${files.svg})`,
    '',
  ].join('\n');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof BacktestInputError) {
      process.stderr.write(`backtest: ${error.message}\n`);
      process.exit(EXIT.badInput);
    }
    if (error instanceof Error && error.name === 'AbortError') {
      process.stderr.write('backtest: interrupted; the scratch database is removed, no report written\n');
      process.exit(EXIT.interrupted);
    }
    // Some failures (an embedded server that would not start) reject with nothing: their cause is in the log above.
    const reason = error instanceof Error ? (error.stack ?? error.message) : error === undefined ? 'no reason given; see the log lines above' : String(error);
    process.stderr.write(`backtest failed: ${reason}\n`);
    process.exit(EXIT.failed);
  },
);
