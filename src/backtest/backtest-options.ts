import { parseArgs } from 'node:util';
import { isTimeframe, TIMEFRAMES, type Timeframe } from '../market-data/index.js';
import { BacktestInputError } from './backtest-input-error.js';
import type { ProgressReporter } from './progress.js';

export interface BacktestOptions {
  /** The bot: a JSON file holding the body of `POST /bots`. */
  botFile: string;
  /** The candles: a csv file in one of the layouts the csv market data reads. */
  csvFile: string;
  /** First and last market time replayed (epoch ms); the file's span by default. */
  from?: number;
  to?: number;
  /** The market the file holds; the bot's symbol by default. */
  symbol?: string;
  /** The file's timeframe; found from the spacing of its candles by default. */
  timeframe?: Timeframe;
  /** Market time per replay step; the file's timeframe by default (every candle close, as live). */
  step?: Timeframe;
  /** Starting paper balances, `USDT=10000,BTC=0`; PAPER_BALANCES (or its default) otherwise. */
  balances?: string;
  outDir: string;
  /** A PostgreSQL server to make a scratch database on; an embedded one in a temporary directory otherwise. */
  databaseUrl?: string;
  /** Where paper settings and log level are read from (PAPER_FEE_RATE, …); process.env by default. */
  env?: Record<string, string | undefined>;
  progress?: ProgressReporter;
  signal?: AbortSignal;
}

export const USAGE = `Usage: npm run backtest -- --bot bot.json --csv candles.csv [options]

Replays candles through the whole app (evaluator, notifier, executors, paper exchange) for one bot and writes a
report: report.json, trades.csv, deals.csv, equity.svg and report.html.

Options:
  --bot <file>           the bot, as the body of POST /bots ("exchange": "paper")            (required)
  --csv <file>           the candles, e.g. ../shared/data/binanceus_btcusdt_1m_2023-03-01_2023-03-21.csv   (required)
  --from <time>          start of the replay, UTC: 2023-03-05, 2023-03-05T12:00 or epoch ms (default: first candle)
  --to <time>            end of the replay (default: the close of the file's last candle)
  --symbol <BASE/QUOTE>  the market the file holds (default: the bot's symbol)
  --timeframe <tf>       the file's timeframe (default: found from the spacing of its candles)
  --step <tf>            market time per replay step (default: the file's timeframe: every candle close, as live)
  --balances <A=n,...>   starting paper balances (default: PAPER_BALANCES, else USDT=10000)
  --out <dir>            where the report goes (default: backtest-report)
  --database-url <url>   PostgreSQL server to create and drop a scratch database on (default: DATABASE_URL;
                         without either, an embedded PostgreSQL in a temporary directory)
  -h, --help             this text

Environment: PAPER_FEE_RATE, PAPER_MAKER_FEE_RATE, PAPER_SLIPPAGE, PAPER_VOLUME_SHARE, EVALUATOR_WARMUP_CANDLES and
LOG_LEVEL (default warn) apply as they do to the service.
Exit codes: 0 report written, 1 failed, 2 bad input (the message names it), 130 interrupted.`;

/** Parses the command line; null when help was asked for. Throws BacktestInputError naming the bad option. */
export function parseBacktestArgs(args: string[], env: Record<string, string | undefined> = process.env): BacktestOptions | null {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        bot: { type: 'string' }, csv: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' },
        symbol: { type: 'string' }, timeframe: { type: 'string' }, step: { type: 'string' }, balances: { type: 'string' },
        out: { type: 'string' }, 'database-url': { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    throw new BacktestInputError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) return null;
  const text = (name: string) => values[name] as string | undefined;
  if (!text('bot')) throw new BacktestInputError(`--bot is required: a JSON file with the bot, as the body of POST /bots\n\n${USAGE}`);
  if (!text('csv')) throw new BacktestInputError(`--csv is required: the candle file to replay\n\n${USAGE}`);
  return {
    botFile: text('bot')!,
    csvFile: text('csv')!,
    from: optional(text('from'), (v) => parseTime(v, '--from')),
    to: optional(text('to'), (v) => parseTime(v, '--to')),
    symbol: optional(text('symbol'), parseSymbol),
    timeframe: optional(text('timeframe'), (v) => parseTimeframe(v, '--timeframe')),
    step: optional(text('step'), (v) => parseTimeframe(v, '--step')),
    balances: optional(text('balances'), parseBalances),
    outDir: text('out') ?? 'backtest-report',
    databaseUrl: text('database-url') ?? (env.DATABASE_URL || undefined),
  };
}

function optional<T>(value: string | undefined, parse: (value: string) => T): T | undefined {
  return value === undefined ? undefined : parse(value);
}

const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

/** Epoch milliseconds, or an ISO date or date-time read as UTC when it names no zone. */
export function parseTime(value: string, option: string): number {
  const text = value.trim();
  const time = /^\d+$/.test(text) ? Number(text) : Date.parse(/T|\s/.test(text) && !HAS_ZONE.test(text) ? `${text.replace(' ', 'T')}Z` : text);
  if (!Number.isFinite(time)) throw new BacktestInputError(`${option}: cannot read "${value}" as a time; give a UTC date (2023-03-05), a date-time (2023-03-05T12:00) or epoch milliseconds`);
  return time;
}

function parseTimeframe(value: string, option: string): Timeframe {
  if (!isTimeframe(value)) throw new BacktestInputError(`${option}: "${value}" is not a timeframe; one of ${TIMEFRAMES.join(', ')}`);
  return value;
}

function parseSymbol(value: string): string {
  if (!/^[A-Za-z0-9]{1,20}\/[A-Za-z0-9]{1,20}$/.test(value)) throw new BacktestInputError(`--symbol: "${value}" must look like BASE/QUOTE, e.g. BTC/USDT`);
  return value.toUpperCase();
}

function parseBalances(value: string): string {
  if (!/^([A-Z0-9]+=\d+(\.\d+)?)(,[A-Z0-9]+=\d+(\.\d+)?)*$/.test(value)) throw new BacktestInputError(`--balances: "${value}" must look like USDT=10000,BTC=0.5`);
  return value;
}
