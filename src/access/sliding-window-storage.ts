import type { ThrottlerStorage } from '@nestjs/throttler';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface Window {
  /** Start of the current fixed window (ms). */
  start: number;
  current: number;
  previous: number;
  blockedUntil: number;
}

/**
 * Rate-limit counts in O(1) per request: a sliding-window counter (this window's count plus the previous window's,
 * weighted by how much of it still overlaps the last `ttl`). The throttler's default storage keeps one timestamp
 * per hit and filters them all on every request: at thousands of requests a second under a generous limit, that
 * filter alone cost more than the route. The estimate assumes the previous window's hits were evenly spread.
 */
export class SlidingWindowStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const now = this.now();
    this.sweep(now, ttl);
    const window = this.windowOf(`${throttlerName}:${key}`, now, ttl);
    const timeToExpire = Math.ceil((window.start + ttl - now) / 1000);
    const hits = Math.ceil(window.previous * (1 - (now - window.start) / ttl)) + window.current + 1;
    if (window.blockedUntil <= now && hits <= limit) {
      window.current += 1;
      return { totalHits: hits, timeToExpire, isBlocked: false, timeToBlockExpire: 0 };
    }
    if (window.blockedUntil <= now) window.blockedUntil = now + (blockDuration > 0 ? blockDuration : ttl);
    return { totalHits: hits, timeToExpire, isBlocked: true, timeToBlockExpire: Math.ceil((window.blockedUntil - now) / 1000) };
  }

  /** The key's window, rolled forward to `now`: a window that ended more than one window ago no longer counts. */
  private windowOf(id: string, now: number, ttl: number): Window {
    let window = this.windows.get(id);
    if (!window) {
      window = { start: now, current: 0, previous: 0, blockedUntil: 0 };
      this.windows.set(id, window);
    }
    const elapsedWindows = Math.floor((now - window.start) / ttl);
    if (elapsedWindows >= 1) {
      window.previous = elapsedWindows === 1 ? window.current : 0;
      window.current = 0;
      window.start += elapsedWindows * ttl;
    }
    return window;
  }

  /** Forgets keys idle for two windows (nothing of theirs counts any more), at most once a window. */
  private sweep(now: number, ttl: number): void {
    if (now - this.lastSweep < ttl) return;
    this.lastSweep = now;
    for (const [id, window] of this.windows) {
      if (window.start + 2 * ttl <= now && window.blockedUntil <= now) this.windows.delete(id);
    }
  }

  /** How many keys are tracked (for tests). */
  get size(): number {
    return this.windows.size;
  }
}
