export { EvaluatorModule } from './evaluator.module.js';
export { EvaluationService, type TickReport } from './evaluation.service.js';
export { EvaluatorScheduler } from './evaluator.scheduler.js';
