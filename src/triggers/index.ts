export { TriggersModule } from './triggers.module.js';
export { TriggerRelay } from './trigger-relay.js';
export { TriggerEntity } from './trigger.entity.js';
