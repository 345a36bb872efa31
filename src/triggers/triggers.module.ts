import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventBusModule } from '../event-bus/index.js';
import { TriggerEntity } from './trigger.entity.js';
import { TriggerRelay } from './trigger-relay.js';
import { TriggersController } from './triggers.controller.js';
import { DeadLettersController } from './dead-letters.controller.js';

@Module({
  imports: [TypeOrmModule.forFeature([TriggerEntity]), EventBusModule],
  controllers: [TriggersController, DeadLettersController],
  providers: [TriggerRelay],
  exports: [TriggerRelay],
})
export class TriggersModule {}
