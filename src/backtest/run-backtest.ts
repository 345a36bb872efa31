import type { INestApplicationContext } from '@nestjs/common';
import { BotsService, DEFAULT_ACCOUNT_ID, type CreateBotDto } from '../bots/index.js';
import { ManualClock } from '../clock/index.js';
import type { AppConfig } from '../config/index.js';
import { DealStatsService } from '../trading/index.js';
import { backtestConfig, startBacktestApp } from './backtest-app.js';
import type { BacktestOptions } from './backtest-options.js';
import { asInputError, loadBotDefinition } from './bot-definition.js';
import { loadCandleFile, type CandleFile } from './candle-file.js';
import type { EquityPoint } from './equity.js';
import { EquityRecorder } from './equity-recorder.js';
import type { ProgressReporter } from './progress.js';
import { buildReport, type BacktestReport } from './report.js';
import { loadDeals, loadTrades } from './report-data.js';
import { writeReport, type ReportFiles } from './report-files.js';
import { ReplayDriver } from './replay-driver.js';
import { replayRange, type ReplayRange } from './replay-range.js';
import { scratchDatabase } from './scratch-database.js';

export interface BacktestResult {
  report: BacktestReport;
  files: ReportFiles;
  /** Said to the user before the replay: assumptions the input left open. */
  notes: string[];
}

const SILENT: ProgressReporter = { start: () => undefined, update: () => undefined, stop: () => undefined };

/**
 * Runs one bot over a candle file through the whole app, on a scratch database, and writes the report.
 * Input problems throw BacktestInputError before anything is started, or as soon as the app refuses the bot.
 */
export async function runBacktest(options: BacktestOptions): Promise<BacktestResult> {
  const bot = await loadBotDefinition(options.botFile);
  const file = loadCandleFile(options.csvFile, bot, { symbol: options.symbol, timeframe: options.timeframe });
  const range = replayRange(file, options);
  const notes = file.symbolAssumed ? [`${options.csvFile} does not name its market: it is taken to hold ${file.symbol}, the bot's (pass --symbol to say)`] : [];
  const database = await scratchDatabase(options.databaseUrl);
  let report: BacktestReport;
  try {
    const config = backtestConfig({ env: options.env ?? process.env, file, database, balances: options.balances });
    report = await replay({ ...options, bot, file, range, config });
  } finally {
    await database.dispose();
  }
  return { report, files: await writeReport(options.outDir, report), notes };
}

interface Replay extends BacktestOptions {
  bot: CreateBotDto;
  file: CandleFile;
  range: ReplayRange;
  config: AppConfig;
}

async function replay(run: Replay): Promise<BacktestReport> {
  const clock = new ManualClock(run.range.from);
  const app = await startBacktestApp(run.config, clock);
  const progress = run.progress ?? SILENT;
  try {
    const created = await app.get(BotsService).create(run.bot, DEFAULT_ACCOUNT_ID).catch((error: unknown) => {
      throw asInputError(error, run.botFile);
    });
    const quote = run.file.symbol.split('/')[1];
    const initial = run.config.paperBalances[quote] ?? 0;
    const equity = new EquityRecorder(app, created.id, initial);
    await equity.sample(run.range.from);
    progress.start(run.range.steps, `${run.file.symbol} ${iso(run.range.from)} → ${iso(run.range.to)} every ${run.range.step}`);
    await new ReplayDriver(app, clock, { stepMs: run.range.stepMs }).run(run.range.from, run.range.to, {
      signal: run.signal,
      afterStep: async (time, index) => {
        await equity.sample(time);
        progress.update(index, time);
      },
    });
    return await collect(app, run, created, initial, equity.points);
  } finally {
    progress.stop();
    await app.close();
  }
}

type CreatedBot = Awaited<ReturnType<BotsService['create']>>;

/** What the report needs from the app, read once the replay is over (the stats as `GET /bots/:id/stats` gives them). */
async function collect(app: INestApplicationContext, run: Replay, bot: CreatedBot, initial: number, equity: EquityPoint[]): Promise<BacktestReport> {
  const [base, quote] = run.file.symbol.split('/');
  const env = run.config.env;
  return buildReport({
    bot: { id: bot.id, name: bot.name, type: bot.type, symbol: bot.symbol, conditions: bot.conditions.map((c) => ({ key: c.key, role: c.role })), definition: JSON.parse(JSON.stringify(run.bot)) },
    market: { symbol: run.file.symbol, base, quote, csv: run.csvFile, timeframe: run.file.timeframe, symbolAssumed: run.file.symbolAssumed },
    range: { from: iso(run.range.from), to: iso(run.range.to), step: run.range.step, steps: run.range.steps },
    paper: { balances: run.config.paperBalances, takerFee: env.PAPER_FEE_RATE, makerFee: env.PAPER_MAKER_FEE_RATE, slippage: env.PAPER_SLIPPAGE, volumeShare: env.PAPER_VOLUME_SHARE },
    stats: await app.get(DealStatsService).forBot(bot.id, DEFAULT_ACCOUNT_ID),
    deals: await loadDeals(app, bot.id),
    trades: await loadTrades(app, bot.id),
    initialEquity: initial,
    equity,
  });
}

const iso = (time: number) => new Date(time).toISOString();
