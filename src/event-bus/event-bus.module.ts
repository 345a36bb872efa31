import { Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/index.js';
import { redactUrl } from '../logging/index.js';
import { EventBus } from './event-bus.port.js';
import { InProcessEventBus } from './in-process.event-bus.js';
import { RedisStreamsEventBus } from './redis-streams.event-bus.js';

function createEventBus(config: AppConfig): EventBus {
  const logger = new Logger('EventBus');
  const { REDIS_URL, REDIS_KEY_PREFIX, BUS_CLAIM_IDLE_MS, BUS_MAX_DELIVERIES } = config.env;
  if (!REDIS_URL) {
    logger.log('event bus: in-process (REDIS_URL not set); triggers stay durable in Postgres and are re-published after a restart');
    return new InProcessEventBus({ maxDeliveries: BUS_MAX_DELIVERIES });
  }
  logger.log(`event bus: Redis Streams at ${redactUrl(REDIS_URL)}, key prefix "${REDIS_KEY_PREFIX}"`);
  return new RedisStreamsEventBus({
    url: REDIS_URL,
    keyPrefix: REDIS_KEY_PREFIX,
    claimIdleMs: BUS_CLAIM_IDLE_MS,
    maxDeliveries: BUS_MAX_DELIVERIES,
    logger,
  });
}

/** Closes the bus last: consumers stop in their own modules' shutdown hooks first. */
@Injectable()
class EventBusCloser implements OnApplicationShutdown {
  constructor(private readonly bus: EventBus) {}
  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}

@Module({
  providers: [{ provide: EventBus, inject: [AppConfig], useFactory: createEventBus }, EventBusCloser],
  exports: [EventBus],
})
export class EventBusModule {}
