import type { Redis } from 'ioredis';
import { describeError, type BusLogger } from './bus-logger.js';
import type { Handler } from './event-bus.port.js';
import type { Topic } from './events.js';
import { decodeEvent, encodeDeadLetter, type StreamEntry } from './redis-stream-entries.js';

export interface RedisStreamDeliveryConfig {
  commands: Redis;
  topic: Topic;
  stream: string;
  deadStream: string;
  group: string;
  label: string;
  maxDeliveries: number;
  claimIdleMs: number;
  logger: BusLogger;
}

/**
 * - `handled`: the handler resolved; the caller acknowledges it (with its batch-mates, in one XACK).
 * - `failed`: the handler threw; left pending, to be claimed again after the idle time.
 * - `dead-lettered`: moved to the dead letters and acknowledged, in one MULTI.
 */
export type DeliveryOutcome = 'handled' | 'failed' | 'dead-lettered';

/**
 * Gives one entry to the handler and says how it went; it moves to the dead letters an entry that cannot be
 * parsed or has failed `maxDeliveries` times. Acknowledging a handled entry is the caller's job, so that a batch
 * costs one XACK.
 */
export class RedisStreamDelivery<T> {
  constructor(
    private readonly config: RedisStreamDeliveryConfig,
    private readonly handler: Handler<T>,
  ) {}

  async deliver(entry: StreamEntry, deliveryCount: number): Promise<DeliveryOutcome> {
    const { topic, maxDeliveries, claimIdleMs, logger, label } = this.config;
    const event = decodeEvent(entry.fields ?? []);
    if (!event.ok) return this.deadLetter(entry, deliveryCount, event.reason);
    if (deliveryCount > maxDeliveries) {
      const abandoned = `not acknowledged after ${deliveryCount - 1} deliveries (its consumer stopped or crashed)`;
      return this.deadLetter(entry, deliveryCount - 1, abandoned);
    }
    try {
      const { version, payload } = event;
      await this.handler({ id: entry.id, topic, version, payload: payload as T, deliveryCount });
      return 'handled';
    } catch (error) {
      if (deliveryCount >= maxDeliveries) return this.deadLetter(entry, deliveryCount, describeError(error));
      logger.warn(
        `${label}: message ${entry.id} failed (delivery ${deliveryCount} of ${maxDeliveries}): ` +
          `${describeError(error)}; retrying after ${claimIdleMs} ms`,
      );
      return 'failed';
    }
  }

  /** Adds the dead letter and acknowledges the original in one MULTI: never both, never neither. */
  private async deadLetter(entry: StreamEntry, deliveries: number, lastError: string): Promise<DeliveryOutcome> {
    const { commands, stream, deadStream, group, logger, label } = this.config;
    const record = { originalId: entry.id, fields: entry.fields ?? [], deliveries, lastError, deadAt: new Date() };
    const fields = encodeDeadLetter(record);
    const results = await commands.multi().xadd(deadStream, '*', ...fields).xack(stream, group, entry.id).exec();
    const failure = results?.find(([error]) => error)?.[0];
    if (!results || failure) throw failure ?? new Error(`dead-lettering ${entry.id} was discarded`);
    logger.error(`${label}: message ${entry.id} moved to ${deadStream} after ${deliveries} deliveries: ${lastError}`);
    return 'dead-lettered';
  }
}
