import { Redis } from 'ioredis';
import { decodeEvent, entriesOfReadReply } from '../../src/event-bus/redis-stream-entries.js';

/**
 * A prototype for the bus-latency proposal, not the app's consumer: it reads like RedisStreamConsumer but acknowledges
 * each batch with one XACK, sent without waiting for it, and reads up to 100 entries at a time. No claims, leases
 * or dead letters: only the part that decides throughput is kept, to measure what batching acks would gain.
 */
export class BatchedAckConsumer {
  private stopped = false;
  private running?: Promise<void>;
  private readonly reader: Redis;
  private readonly commands: Redis;

  constructor(
    url: string,
    private readonly stream: string,
    private readonly group: string,
    private readonly handler: (payload: unknown) => Promise<void>,
  ) {
    this.reader = new Redis(url);
    this.commands = new Redis(url);
  }

  async start(): Promise<void> {
    await this.commands.xgroup('CREATE', this.stream, this.group, '0', 'MKSTREAM').catch(() => undefined);
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    this.reader.disconnect();
    await this.commands.quit();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const reply = await this.reader.xreadgroup('GROUP', this.group, 'prototype', 'COUNT', 100, 'BLOCK', 100, 'STREAMS', this.stream, '>');
      const entries = entriesOfReadReply(reply);
      for (const entry of entries) {
        const event = decodeEvent(entry.fields ?? []);
        if (event.ok) await this.handler(event.payload);
      }
      if (entries.length > 0) void this.commands.xack(this.stream, this.group, ...entries.map((e) => e.id));
    }
  }
}
