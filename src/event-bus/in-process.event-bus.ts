import { Logger } from '@nestjs/common';
import type { BusLogger } from './bus-logger.js';
import { EventBus, type ConsumeOptions, type Consumer, type DeadLetter, type Handler } from './event-bus.port.js';
import { EVENT_VERSIONS, type BusEvents, type Topic } from './events.js';
import { InProcessConsumer } from './in-process-consumer.js';
import { InProcessGroup, type LoggedMessage } from './in-process-group.js';

export interface InProcessEventBusOptions {
  /** A message that has failed this many deliveries goes to the dead letters. */
  maxDeliveries: number;
  /** Wait before a failed message is delivered again. Default 100. */
  retryDelayMs?: number;
  logger?: BusLogger;
}

interface TopicState {
  log: LoggedMessage[];
  groups: Map<string, InProcessGroup>;
  dead: DeadLetter[];
}

/**
 * The bus in memory, for local runs and unit tests: the same consumer-group semantics as the Redis
 * adapter (one consumer per message, in order, retries, dead letters), gone when the process ends.
 */
export class InProcessEventBus extends EventBus {
  readonly durable = false;
  private readonly topics = new Map<Topic, TopicState>();
  private readonly consumers = new Set<Consumer>();
  private readonly logger: BusLogger;
  private nextId = 1;
  private nextDeadId = 1;
  private closed = false;

  constructor(private readonly options: InProcessEventBusOptions) {
    super();
    this.logger = options.logger ?? new Logger(InProcessEventBus.name);
  }

  async publish<K extends Topic>(topic: K, payloads: BusEvents[K][]): Promise<void> {
    this.assertOpen();
    const state = this.topic(topic);
    for (const payload of payloads) {
      state.log.push({ id: String(this.nextId++), version: EVENT_VERSIONS[topic], data: JSON.stringify(payload) });
    }
    for (const group of state.groups.values()) group.notify();
  }

  async consume<K extends Topic>(topic: K, options: ConsumeOptions, handler: Handler<BusEvents[K]>): Promise<Consumer> {
    this.assertOpen();
    const state = this.topic(topic);
    let group = state.groups.get(options.group);
    if (!group) {
      // Starts at the beginning of the log, like the Redis adapter's groups: nothing published earlier is lost.
      group = new InProcessGroup(state.log);
      state.groups.set(options.group, group);
    }
    const consumer = new InProcessConsumer<BusEvents[K]>(
      {
        topic,
        group,
        label: `${topic}/${options.group}/${options.consumer}`,
        maxDeliveries: this.options.maxDeliveries,
        retryDelayMs: this.options.retryDelayMs ?? 100,
        logger: this.logger,
        deadLetter: (letter) => state.dead.push({ id: String(this.nextDeadId++), topic, ...letter }),
      },
      handler,
    );
    consumer.start();
    const running: Consumer = {
      stop: async () => {
        this.consumers.delete(running);
        await consumer.stop();
      },
    };
    this.consumers.add(running);
    return running;
  }

  async deadLetters(topic: Topic, limit: number): Promise<DeadLetter[]> {
    const { dead } = this.topic(topic);
    return dead.slice(Math.max(0, dead.length - limit)).reverse();
  }

  async stats(topic: Topic, group: string): Promise<{ pending: number; lag: number }> {
    const state = this.topic(topic);
    return state.groups.get(group)?.stats() ?? { pending: 0, lag: state.log.length };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.consumers].map((consumer) => consumer.stop()));
  }

  private topic(topic: Topic): TopicState {
    let state = this.topics.get(topic);
    if (!state) {
      state = { log: [], groups: new Map(), dead: [] };
      this.topics.set(topic, state);
    }
    return state;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('InProcessEventBus is closed');
  }
}
