import { Module } from '@nestjs/common';
import { BotsModule } from '../bots/index.js';
import { EventBusModule } from '../event-bus/index.js';
import { ExecutorsModule } from '../executors/index.js';
import { RegistryModule } from '../registry/index.js';
import { RiskModule } from '../risk/index.js';
import { TradingModule } from '../trading/index.js';
import { NotifierConsumer } from './notifier.consumer.js';
import { TriggerRouter } from './trigger-router.js';

@Module({
  imports: [EventBusModule, BotsModule, ExecutorsModule, RegistryModule, TradingModule, RiskModule],
  providers: [TriggerRouter, NotifierConsumer],
  exports: [TriggerRouter],
})
export class NotifierModule {}
