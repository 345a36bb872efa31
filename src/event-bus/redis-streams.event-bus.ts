import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { describeError, type BusLogger } from './bus-logger.js';
import { EventBus, type ConsumeOptions, type Consumer, type DeadLetter, type Handler } from './event-bus.port.js';
import { EVENT_VERSIONS, type BusEvents, type Topic } from './events.js';
import { closeRedisConnection, openRedisConnection } from './redis-connection.js';
import { RedisStreamConsumer } from './redis-stream-consumer.js';
import { decodeDeadLetter, encodeEvent, fieldsToRecord, streamEntries } from './redis-stream-entries.js';

export interface RedisStreamsEventBusOptions {
  url: string;
  /** Streams are `${keyPrefix}:${topic}`, dead letters `${keyPrefix}:${topic}:dead`. */
  keyPrefix: string;
  /** A pending entry idle this long is taken over by another consumer (or retried by its own). */
  claimIdleMs: number;
  /** A message that has failed this many deliveries goes to the dead-letter stream. */
  maxDeliveries: number;
  /** Longest single blocking read; bounds how long a read waits before the loop looks around. Default 2000. */
  blockMs?: number;
  /**
   * Entries read or claimed per command, and acknowledged with one XACK once handled. Default 100: with one XACK
   * awaited per entry, round trips capped the consumer far below 5,000 messages/s (bench/findings.md).
   */
  batchSize?: number;
  /** Longest a handled entry waits for its batch's XACK while the rest of the batch is handled. Default 100. */
  ackDelayMs?: number;
  /** Approximate MAXLEN for XADD. Off by default: trimming can drop entries no group has acknowledged. */
  maxLen?: number;
  logger?: BusLogger;
}

/**
 * Redis Streams with consumer groups: at-least-once, in order per topic, durable as far as the Redis
 * server persists its data (AOF / RDB are the server's configuration, not this class's).
 */
export class RedisStreamsEventBus extends EventBus {
  readonly durable = true;
  private readonly commands: Redis;
  private readonly logger: BusLogger;
  private readonly consumers = new Set<Consumer>();
  private closed = false;

  constructor(private readonly options: RedisStreamsEventBusOptions) {
    super();
    this.logger = options.logger ?? new Logger(RedisStreamsEventBus.name);
    this.commands = openRedisConnection(options.url, `event-bus:${options.keyPrefix}:commands`, this.logger);
  }

  async publish<K extends Topic>(topic: K, payloads: BusEvents[K][]): Promise<void> {
    this.assertOpen();
    if (payloads.length === 0) return;
    const stream = this.streamOf(topic);
    const trim = this.options.maxLen === undefined ? [] : ['MAXLEN', '~', String(this.options.maxLen)];
    const pipeline = this.commands.pipeline();
    for (const payload of payloads) pipeline.xadd(stream, ...trim, '*', ...encodeEvent(EVENT_VERSIONS[topic], payload));
    const results = (await pipeline.exec()) ?? [];
    const failure = results.find(([error]) => error)?.[0];
    if (failure) throw failure;
  }

  async consume<K extends Topic>(topic: K, options: ConsumeOptions, handler: Handler<BusEvents[K]>): Promise<Consumer> {
    this.assertOpen();
    const stream = this.streamOf(topic);
    const ensureGroup = () => this.ensureGroup(stream, options.group);
    await ensureGroup();
    const reader = openRedisConnection(
      this.options.url,
      `event-bus:${this.options.keyPrefix}:${topic}:${options.group}:${options.consumer}`,
      this.logger,
    );
    const consumer = new RedisStreamConsumer<BusEvents[K]>(
      {
        commands: this.commands,
        reader,
        topic,
        stream,
        deadStream: `${stream}:dead`,
        ...options,
        claimIdleMs: this.options.claimIdleMs,
        maxDeliveries: this.options.maxDeliveries,
        blockMs: this.options.blockMs ?? 2_000,
        batchSize: this.options.batchSize ?? 100,
        ackDelayMs: this.options.ackDelayMs ?? 100,
        logger: this.logger,
        ensureGroup,
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
    const entries = await this.commands.xrevrange(`${this.streamOf(topic)}:dead`, '+', '-', 'COUNT', limit);
    return streamEntries(entries).map((entry) => decodeDeadLetter(topic, entry));
  }

  async stats(topic: Topic, group: string): Promise<{ pending: number; lag: number }> {
    const stream = this.streamOf(topic);
    const info = (await this.groupsOf(stream)).find((candidate) => candidate.name === group);
    // A group created now would start at the beginning of the stream, so everything in it is lag.
    if (!info) return { pending: 0, lag: await this.commands.xlen(stream) };
    const pending = Number(info.pending);
    // Redis reports no lag when it cannot tell (entries deleted in between); count what follows then.
    if (info.lag !== null && info.lag !== undefined) return { pending, lag: Number(info.lag) };
    const undelivered = await this.commands.xrange(stream, `(${info['last-delivered-id']}`, '+');
    return { pending, lag: undelivered.length };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.consumers].map((consumer) => consumer.stop()));
    await closeRedisConnection(this.commands);
  }

  private streamOf(topic: Topic): string {
    return `${this.options.keyPrefix}:${topic}`;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('RedisStreamsEventBus is closed');
  }

  /**
   * Starts a new group at `0`, not `$`: triggers may be published before any consumer exists, and those
   * must reach it. The cost: a group added later receives everything the stream still holds.
   */
  private async ensureGroup(stream: string, group: string): Promise<void> {
    try {
      await this.commands.xgroup('CREATE', stream, group, '0', 'MKSTREAM');
    } catch (error) {
      if (!describeError(error).startsWith('BUSYGROUP')) throw error;
    }
  }

  private async groupsOf(stream: string): Promise<Record<string, string | number | null>[]> {
    try {
      const groups = (await this.commands.xinfo('GROUPS', stream)) as (string | number | null)[][];
      return groups.map((flat) => fieldsToRecord(flat as string[]));
    } catch (error) {
      if (describeError(error).includes('no such key')) return [];
      throw error;
    }
  }
}
