import type { Redis } from 'ioredis';
import { describeError, type BusLogger } from './bus-logger.js';
import type { Consumer, Handler } from './event-bus.port.js';
import type { Topic } from './events.js';
import { RedisStreamAcks } from './redis-stream-acks.js';
import { RedisStreamDelivery } from './redis-stream-delivery.js';
import { entriesOfReadReply, parseAutoClaimReply, type StreamEntry } from './redis-stream-entries.js';
import { RedisStreamLeases } from './redis-stream-leases.js';

export interface RedisStreamConsumerConfig {
  /** Shared connection for acks, claims and dead letters. */
  commands: Redis;
  /** This consumer's own connection: a blocking XREADGROUP must not stall anyone else's commands. */
  reader: Redis;
  topic: Topic;
  stream: string;
  deadStream: string;
  group: string;
  consumer: string;
  claimIdleMs: number;
  maxDeliveries: number;
  blockMs: number;
  batchSize: number;
  /** Longest a handled entry waits for its batch's XACK (a slow handler later in the batch does not hold it). */
  ackDelayMs: number;
  logger: BusLogger;
  /** Creates the group again if the stream was deleted under a running consumer. */
  ensureGroup: () => Promise<void>;
}

const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 2_000;

/**
 * One consumer of a group: a single loop that claims idle entries (every claimIdleMs/2), reads new ones,
 * and handles them one at a time in stream order. The entries handled in a batch are acknowledged together,
 * with one XACK sent without waiting before the next read. Entries it holds (in hand, or handled and not yet
 * acknowledged) have their idle time kept fresh, so that a slow handler does not see its message taken over;
 * a stopped or crashed consumer stops renewing, and the group takes its entries over after claimIdleMs.
 */
export class RedisStreamConsumer<T> implements Consumer {
  private stopping = false;
  private reading = false;
  private nextClaimAt = 0;
  private backoffMs = FIRST_BACKOFF_MS;
  private wakeFromPause?: () => void;
  private running?: Promise<void>;
  private readonly leases: RedisStreamLeases;
  private readonly delivery: RedisStreamDelivery<T>;
  private readonly acks: RedisStreamAcks;

  constructor(
    private readonly config: RedisStreamConsumerConfig,
    handler: Handler<T>,
  ) {
    const { commands, stream, group, consumer, claimIdleMs, ackDelayMs, logger } = config;
    this.leases = new RedisStreamLeases({ commands, stream, group, consumer, renewEveryMs: claimIdleMs / 3, logger });
    this.delivery = new RedisStreamDelivery({ ...config, label: this.label }, handler);
    this.acks = new RedisStreamAcks({
      commands, stream, group, label: this.label, maxDelayMs: ackDelayMs, logger,
      onSent: (ids) => ids.forEach((id) => this.leases.release(id)),
    });
  }

  start(): void {
    this.leases.start();
    this.running = this.run();
  }

  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      this.leases.stop();
      this.wakeFromPause?.();
      // Aborts a blocking read; an entry delivered in that very instant stays pending and is claimed later.
      if (this.reading) this.config.reader.disconnect();
    }
    await this.running;
  }

  private get label(): string {
    const { topic, group, consumer } = this.config;
    return `${topic}/${group}/${consumer}`;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        if (Date.now() >= this.nextClaimAt) {
          await this.claimIdleEntries();
          this.nextClaimAt = Date.now() + this.config.claimIdleMs / 2;
          continue;
        }
        await this.handleInOrder(await this.readNewEntries());
        this.backoffMs = FIRST_BACKOFF_MS;
      } catch (error) {
        if (this.stopping) break;
        await this.recover(error);
      }
    }
    // Graceful: what was handled is acknowledged before stop resolves (the shared connection closes after).
    await this.acks.flush();
    this.config.reader.disconnect();
  }

  private async recover(error: unknown): Promise<void> {
    this.config.logger.warn(`${this.label}: ${describeError(error)}; retrying in ${this.backoffMs} ms`);
    await this.pause(this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    if (!describeError(error).startsWith('NOGROUP')) return;
    await this.config.ensureGroup().catch((groupError: unknown) => {
      this.config.logger.warn(`${this.label}: could not recreate the group: ${describeError(groupError)}`);
    });
  }

  private async readNewEntries(): Promise<StreamEntry[]> {
    const { reader, group, consumer, stream, batchSize, blockMs } = this.config;
    // Wake up in time for the next claim pass: claims run on this loop, not on a timer.
    const block = Math.max(1, Math.min(blockMs, Math.ceil(this.nextClaimAt - Date.now())));
    this.reading = true;
    try {
      const reply = await reader.xreadgroup(
        'GROUP', group, consumer, 'COUNT', batchSize, 'BLOCK', block, 'STREAMS', stream, '>',
      );
      return entriesOfReadReply(reply);
    } finally {
      this.reading = false;
    }
  }

  /** Takes over entries idle for claimIdleMs: our own failed ones and those of stopped or crashed consumers. */
  private async claimIdleEntries(): Promise<void> {
    const { commands, stream, group, consumer, claimIdleMs, batchSize } = this.config;
    let start = '0-0';
    do {
      const reply = await commands.xautoclaim(stream, group, consumer, claimIdleMs, start, 'COUNT', batchSize);
      const { next, entries } = parseAutoClaimReply(reply);
      const counts = await this.deliveryCounts(entries.map((entry) => entry.id));
      await this.handleInOrder(entries.filter((entry) => counts.has(entry.id)), counts);
      start = next;
    } while (start !== '0-0' && !this.stopping);
  }

  /** XAUTOCLAIM does not say how often an entry was delivered; XPENDING does. */
  private async deliveryCounts(ids: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (ids.length === 0) return counts;
    const { commands, stream, group } = this.config;
    const pipeline = commands.pipeline();
    for (const id of ids) pipeline.xpending(stream, group, id, id, 1);
    for (const [error, reply] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      const [row] = reply as [string, string, number, number][];
      if (row) counts.set(row[0], Number(row[3]));
    }
    return counts;
  }

  /** Entries read with `>` are on their first delivery unless `counts` says otherwise. */
  private async handleInOrder(entries: StreamEntry[], counts?: Map<string, number>): Promise<void> {
    this.leases.hold(entries.map((entry) => entry.id));
    try {
      for (const entry of entries) {
        if (this.stopping) return;
        // Acknowledged elsewhere while it waited in this batch: handling it again would duplicate the work.
        if (!this.leases.holds(entry.id)) continue;
        // Deleted while pending: there is nothing left to handle.
        if (entry.fields === null) continue;
        const outcome = await this.delivery.deliver(entry, counts?.get(entry.id) ?? 1);
        // Handled, it stays held until its XACK is sent. Dead-lettered or failed, it is no longer ours to keep
        // fresh: a failed entry must age to be retried, and is never acknowledged with its batch-mates.
        if (outcome === 'handled') this.acks.add(entry.id);
        else this.leases.release(entry.id);
      }
    } finally {
      void this.acks.flush();
      this.leases.releaseAll();
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeFromPause = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeFromPause = done;
    });
  }
}
