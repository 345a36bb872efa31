export { MetricsModule } from './metrics.module.js';
export { Metrics, type DeliveryOutcome, type ErrorComponent, type ExecutionOutcome, type TickOutcome } from './metrics.service.js';
