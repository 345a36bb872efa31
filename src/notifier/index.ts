export { NotifierModule } from './notifier.module.js';
export { TriggerRouter } from './trigger-router.js';
