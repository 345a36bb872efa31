import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EventBusModule } from '../event-bus/index.js';
import { EvaluatorModule } from '../evaluator/index.js';
import { HealthController } from './health.controller.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), EventBusModule, EvaluatorModule],
  controllers: [HealthController],
})
export class HealthModule {}
