export { NotifierModule } from './notifier.module.js';
export { TriggerRouter, type RouteSummary } from './trigger-router.js';
