export { EventBus, type Consumer, type ConsumeOptions, type DeadLetter, type Delivery, type Handler } from './event-bus.port.js';
export { EVENT_VERSIONS, type BusEvents, type Topic, type TriggerFiredV1 } from './events.js';
export { EventBusModule } from './event-bus.module.js';
