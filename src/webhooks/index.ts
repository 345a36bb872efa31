export { WebhooksModule } from './webhooks.module.js';
export { WebhookDispatcher } from './webhook-dispatcher.js';
export { WEBHOOK_EVENTS, type WebhookEvent } from './webhook-events.js';
