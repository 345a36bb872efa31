import { Global, Module } from '@nestjs/common';
import { EventBusModule } from '../event-bus/index.js';
import { HttpErrorsObserver } from './http-errors.observer.js';
import { MetricsController } from './metrics.controller.js';
import { Metrics } from './metrics.service.js';
import { ScrapeCollectors } from './scrape-collectors.js';

/**
 * `GET /metrics` and the instruments other modules inject. Global, like the clock and the config: instrumenting a
 * module must not change what it imports, and one instance per app means one registry per app.
 */
@Global()
@Module({
  imports: [EventBusModule],
  providers: [Metrics, ScrapeCollectors, HttpErrorsObserver],
  controllers: [MetricsController],
  exports: [Metrics],
})
export class MetricsModule {}
