import type { Redis } from 'ioredis';
import { describeError, type BusLogger } from './bus-logger.js';

export interface RedisStreamAcksConfig {
  commands: Redis;
  stream: string;
  group: string;
  label: string;
  /** Longest a handled entry waits for its XACK while the rest of its batch is handled. */
  maxDelayMs: number;
  logger: BusLogger;
  /** Called with the ids once their XACK is sent: they no longer need their idle time kept fresh. */
  onSent: (ids: string[]) => void;
}

/**
 * Acknowledges handled entries in batches: one `XACK stream group id…` per batch instead of one awaited round trip
 * per entry, which is what bounded the consumer's rate. The XACK is sent without waiting for its reply (the loop
 * goes on reading); the next one waits for it, so at most one is in flight. A crash before the XACK redelivers at
 * most the entries handled since the last one (`maxDelayMs` at most), which the handlers' idempotency absorbs.
 */
export class RedisStreamAcks {
  private ids: string[] = [];
  private timer?: NodeJS.Timeout;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly config: RedisStreamAcksConfig) {}

  add(id: string): void {
    this.ids.push(id);
    // A slow handler later in the batch must not hold its batch-mates' acks for long.
    this.timer ??= setTimeout(() => void this.flush(), this.config.maxDelayMs);
  }

  /** Sends what was collected in one XACK, after the previous one completed; resolves when this one completed. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.ids.length === 0) return this.inFlight;
    const ids = this.ids;
    this.ids = [];
    this.inFlight = this.inFlight.then(() => this.send(ids));
    return this.inFlight;
  }

  private async send(ids: string[]): Promise<void> {
    const { commands, stream, group, label, logger, onSent } = this.config;
    try {
      await commands.xack(stream, group, ...ids);
      onSent(ids);
    } catch (error) {
      // Still pending: they go with the next batch, or are claimed and redelivered after claimIdleMs if none comes.
      logger.warn(`${label}: could not acknowledge ${ids.length} message(s): ${describeError(error)}`);
      this.ids.unshift(...ids);
    }
  }
}
