import type { Redis } from 'ioredis';
import { describeError, type BusLogger } from './bus-logger.js';

export interface RedisStreamLeasesConfig {
  commands: Redis;
  stream: string;
  group: string;
  consumer: string;
  renewEveryMs: number;
  logger: BusLogger;
}

/**
 * The entries a consumer holds (read or claimed, not yet settled). Every `renewEveryMs` it resets their
 * idle time with XCLAIM … JUSTID (which leaves the delivery counter alone), so that other consumers'
 * XAUTOCLAIM does not take over a message whose handler is merely slow. An entry XCLAIM no longer
 * returns was acknowledged elsewhere and is dropped, so that the loop skips it.
 */
export class RedisStreamLeases {
  private readonly held = new Set<string>();
  private timer?: NodeJS.Timeout;
  private renewing = false;

  constructor(private readonly config: RedisStreamLeasesConfig) {}

  start(): void {
    this.timer = setInterval(() => void this.renew(), this.config.renewEveryMs);
  }

  /** Stops renewing: what is still held becomes claimable by the group after the idle time. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  hold(ids: string[]): void {
    for (const id of ids) this.held.add(id);
  }

  holds(id: string): boolean {
    return this.held.has(id);
  }

  /** A failed entry is let go so that it ages and is claimed again: that is how it gets retried. */
  release(id: string): void {
    this.held.delete(id);
  }

  releaseAll(): void {
    this.held.clear();
  }

  private async renew(): Promise<void> {
    const ids = [...this.held];
    // While Redis is away one renewal waits in the offline queue; stacking more on it would help no one.
    if (ids.length === 0 || this.renewing) return;
    const { commands, stream, group, consumer, logger } = this.config;
    this.renewing = true;
    try {
      const stillPending = new Set((await commands.xclaim(stream, group, consumer, 0, ...ids, 'JUSTID')) as string[]);
      for (const id of ids) if (!stillPending.has(id)) this.held.delete(id);
    } catch (error) {
      logger.warn(`${stream}/${group}/${consumer}: could not renew leases: ${describeError(error)}`);
    } finally {
      this.renewing = false;
    }
  }
}
