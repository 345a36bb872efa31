import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from '../app.module.js';
import type { ManualClock } from '../clock/index.js';
import { AppConfig, ConfigError } from '../config/index.js';
import { BacktestInputError } from './backtest-input-error.js';
import type { CandleFile } from './candle-file.js';
import type { ScratchDatabase } from './scratch-database.js';

/** Longest delay a Node timer takes; a longer one fires at once. */
const NEVER_MS = 2 ** 31 - 1;

/** Settings the user may bring from the environment: they change the simulation as they change the service. */
const PASSED_THROUGH = /^(PAPER_[A-Z_]+|EVALUATOR_WARMUP_CANDLES|LOG_LEVEL|LOG_FORMAT)$/;

export interface BacktestConfigInput {
  env: Record<string, string | undefined>;
  file: CandleFile;
  database: ScratchDatabase;
  balances?: string;
}

/**
 * The service's own configuration, with what makes it a backtest: the csv market data on the file, the in-process
 * bus, the scratch database, no cron and no reconciler timer (the replay driver runs both at fixed points of each
 * step, which is what makes the result repeatable), quiet logs.
 */
export function backtestConfig({ env, file, database, balances }: BacktestConfigInput): AppConfig {
  const passed = Object.fromEntries(Object.entries(env).filter(([key]) => PASSED_THROUGH.test(key)));
  try {
    return AppConfig.fromEnv({
      LOG_LEVEL: 'warn',
      ...passed,
      ...(balances && { PAPER_BALANCES: balances }),
      MARKET_DATA_SOURCE: 'csv',
      MARKET_DATA_CSV: `${file.symbol}@${file.timeframe}=${file.path}`,
      EVALUATOR_CRON: 'off',
      RECONCILE_INTERVAL_MS: String(NEVER_MS),
      ADMIN_TOKEN: randomBytes(24).toString('hex'),
      ...database.env,
    });
  } catch (error) {
    if (error instanceof ConfigError) throw new BacktestInputError(error.message);
    throw error;
  }
}

/** The whole app without its HTTP server: every module, its lifecycle hooks, migrations on the scratch database. */
export async function startBacktestApp(config: AppConfig, clock: ManualClock): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config, clock }), { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  return app;
}
