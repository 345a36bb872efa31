import { describeError, type BusLogger } from './bus-logger.js';
import type { Consumer, DeadLetter, Handler } from './event-bus.port.js';
import type { Topic } from './events.js';
import type { InProcessGroup, Lease } from './in-process-group.js';

export interface InProcessConsumerConfig {
  topic: Topic;
  group: InProcessGroup;
  label: string;
  maxDeliveries: number;
  retryDelayMs: number;
  logger: BusLogger;
  deadLetter: (letter: Omit<DeadLetter, 'id' | 'topic'>) => void;
}

/** Takes messages from its group one at a time; waits for a publish or a due retry when there are none. */
export class InProcessConsumer<T> implements Consumer {
  private stopped = false;
  private inHand?: Lease;
  private wake?: () => void;
  private running?: Promise<void>;

  constructor(
    private readonly config: InProcessConsumerConfig,
    private readonly handler: Handler<T>,
  ) {}

  start(): void {
    this.running = this.run();
  }

  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      if (this.inHand) this.config.group.release(this.inHand, Date.now());
      this.wake?.();
    }
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const lease = this.config.group.take(Date.now());
      if (!lease) {
        await this.idle();
        continue;
      }
      this.inHand = lease;
      await this.handle(lease);
      this.inHand = undefined;
    }
  }

  private async handle(lease: Lease): Promise<void> {
    const { group, topic, maxDeliveries, retryDelayMs, logger, label } = this.config;
    const { message, deliveryCount } = lease;
    if (deliveryCount > maxDeliveries) {
      const abandoned = `not acknowledged after ${deliveryCount - 1} deliveries (its consumer stopped)`;
      return this.deadLetter(lease, deliveryCount - 1, abandoned);
    }
    try {
      const payload = JSON.parse(message.data) as T;
      await this.handler({ id: message.id, topic, version: message.version, payload, deliveryCount });
    } catch (error) {
      if (!group.owns(lease)) return;
      if (deliveryCount >= maxDeliveries) return this.deadLetter(lease, deliveryCount, describeError(error));
      logger.warn(
        `${label}: message ${message.id} failed (delivery ${deliveryCount} of ${maxDeliveries}): ` +
          `${describeError(error)}; retrying in ${retryDelayMs} ms`,
      );
      group.retryLater(lease, Date.now() + retryDelayMs);
      return;
    }
    group.ack(lease);
  }

  private deadLetter(lease: Lease, deliveries: number, lastError: string): void {
    const { group, label, logger } = this.config;
    if (!group.owns(lease)) return;
    group.ack(lease);
    const { id, data } = lease.message;
    const deadAt = new Date().toISOString();
    this.config.deadLetter({ originalId: id, payload: JSON.parse(data), deliveries, lastError, deadAt });
    logger.error(`${label}: message ${id} moved to dead letters after ${deliveries} deliveries: ${lastError}`);
  }

  /** Until something is published, a retry falls due, or the consumer stops; leaves no timer behind. */
  private idle(): Promise<void> {
    const { group } = this.config;
    return new Promise((resolve) => {
      const retryAt = group.nextRetryAt();
      const timer = retryAt === undefined ? undefined : setTimeout(() => done(), Math.max(0, retryAt - Date.now()));
      const unsubscribe = group.onNotify(() => done());
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
        this.wake = undefined;
        resolve();
      };
      this.wake = done;
    });
  }
}
