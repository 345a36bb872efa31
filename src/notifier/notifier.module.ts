import { Module } from '@nestjs/common';
import { BotsModule } from '../bots/index.js';
import { EventBusModule } from '../event-bus/index.js';
import { ExecutorsModule } from '../executors/index.js';
import { RegistryModule } from '../registry/index.js';
import { RiskModule } from '../risk/index.js';
import { TradingModule } from '../trading/index.js';
import { BotDelivery } from './bot-delivery.js';
import { ChunkDelivery } from './chunk-delivery.js';
import { NotifierConsumer } from './notifier.consumer.js';
import { RecipientFinder } from './recipients.js';
import { TriggerRouter } from './trigger-router.js';

@Module({
  imports: [EventBusModule, BotsModule, ExecutorsModule, RegistryModule, TradingModule, RiskModule],
  providers: [TriggerRouter, RecipientFinder, ChunkDelivery, BotDelivery, NotifierConsumer],
  exports: [TriggerRouter],
})
export class NotifierModule {}
