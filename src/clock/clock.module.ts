import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { AppConfig } from '../config/index.js';
import { MarketDataModule, MarketDataSource } from '../market-data/index.js';
import { Clock, ReplayClock, SystemClock } from './clock.js';

/** Wall time for live data; a replay clock that starts at the data's first candle (or now) and runs REPLAY_SPEED times faster otherwise. */
function createClock(config: AppConfig, marketData: MarketDataSource): Clock {
  const logger = new Logger('Clock');
  if (config.env.MARKET_DATA_SOURCE === 'ccxt') return new SystemClock();
  const origin = marketData.replayOrigin() ?? Date.now();
  logger.log(`clock: replay from ${new Date(origin).toISOString()} at ${config.env.REPLAY_SPEED}x`);
  return new ReplayClock(origin, config.env.REPLAY_SPEED, Date.now, config.env.REPLAY_STARTED_AT);
}

@Global()
@Module({})
export class ClockModule {
  /** `clock` replaces the configured one: tests and backtests drive time by hand. */
  static forRoot(clock?: Clock): DynamicModule {
    const provider = clock
      ? { provide: Clock, useValue: clock }
      : { provide: Clock, inject: [AppConfig, MarketDataSource], useFactory: createClock };
    return { module: ClockModule, imports: clock ? [] : [MarketDataModule], providers: [provider], exports: [Clock] };
  }
}
