import { InProcessEventBus } from '../../src/event-bus/in-process.event-bus.js';
import { CONTRACT_MAX_DELIVERIES, eventBusContract } from './event-bus.contract.js';
import { RecordingLogger } from './recording-logger.js';

eventBusContract('InProcessEventBus', async () => {
  const bus = new InProcessEventBus({
    maxDeliveries: CONTRACT_MAX_DELIVERIES,
    retryDelayMs: 20,
    logger: new RecordingLogger(),
  });
  return { bus, cleanup: () => bus.close() };
});
