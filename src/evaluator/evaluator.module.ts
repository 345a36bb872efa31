import { Module } from '@nestjs/common';
import { MarketDataModule } from '../market-data/index.js';
import { RegistryModule } from '../registry/index.js';
import { TriggersModule } from '../triggers/index.js';
import { EvaluationService } from './evaluation.service.js';
import { EvaluationStore } from './evaluation.store.js';
import { EvaluatorScheduler } from './evaluator.scheduler.js';
import { SeriesLeases } from './series-leases.js';

@Module({
  imports: [MarketDataModule, RegistryModule, TriggersModule],
  providers: [EvaluationService, EvaluationStore, EvaluatorScheduler, SeriesLeases],
  exports: [EvaluationService, EvaluatorScheduler],
})
export class EvaluatorModule {}
