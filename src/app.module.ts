import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AccessModule } from './access/index.js';
import { BotsModule } from './bots/index.js';
import { Clock, ClockModule } from './clock/index.js';
import { AppConfig, ConfigModule } from './config/index.js';
import { DatabaseModule } from './database/index.js';
import { EvaluatorModule } from './evaluator/index.js';
import { HealthModule } from './health/index.js';
import { LoggingModule } from './logging/index.js';
import { MetricsModule } from './metrics/index.js';
import { NotifierModule } from './notifier/index.js';
import { RegistryModule } from './registry/index.js';
import { KillSwitchModule } from './risk/index.js';
import { SignalsModule } from './signals/signals.module.js';
import { TriggersModule } from './triggers/index.js';
import { WebhooksModule } from './webhooks/index.js';

export interface AppOptions {
  config: AppConfig;
  /** Replaces the configured clock: tests and backtests move time by hand. */
  clock?: Clock;
}

/** Composes the capabilities; it has no providers of its own. */
@Module({})
export class AppModule {
  static forRoot(options: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(options.config),
        LoggingModule,
        ClockModule.forRoot(options.clock),
        ScheduleModule.forRoot(),
        DatabaseModule,
        AccessModule,
        HealthModule,
        MetricsModule,
        RegistryModule,
        TriggersModule,
        SignalsModule,
        BotsModule,
        EvaluatorModule,
        NotifierModule,
        KillSwitchModule,
        WebhooksModule,
      ],
    };
  }
}
