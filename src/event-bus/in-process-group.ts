/** A message as the in-process log keeps it: serialized, as Redis would, so handlers never share objects. */
export interface LoggedMessage {
  id: string;
  version: number;
  data: string;
}

/** A message handed to one consumer; it is that consumer's until settled or released. */
export interface Lease {
  message: LoggedMessage;
  deliveryCount: number;
}

interface PendingMessage {
  message: LoggedMessage;
  deliveries: number;
  /** The lease of the consumer handling it; undefined while it waits for a redelivery. */
  lease?: Lease;
  availableAt: number;
}

/**
 * One consumer group over a topic's append-only log: a cursor into the log and the messages delivered
 * but not yet acknowledged, like a Redis consumer group's last-delivered id and pending entries list.
 */
export class InProcessGroup {
  private cursor = 0;
  /** In delivery order, which is log order: entries are mutated in place, never re-inserted. */
  private readonly pending = new Map<string, PendingMessage>();
  private readonly waiters = new Set<() => void>();

  constructor(private readonly log: readonly LoggedMessage[]) {}

  /** The oldest redelivery that is due, else the next message never delivered to the group. */
  take(now: number): Lease | undefined {
    for (const entry of this.pending.values()) {
      if (entry.lease || entry.availableAt > now) continue;
      entry.deliveries += 1;
      entry.lease = { message: entry.message, deliveryCount: entry.deliveries };
      return entry.lease;
    }
    const message = this.log[this.cursor];
    if (!message) return undefined;
    this.cursor += 1;
    const lease = { message, deliveryCount: 1 };
    this.pending.set(message.id, { message, deliveries: 1, lease, availableAt: now });
    return lease;
  }

  /** When the next redelivery falls due, if one is waiting. */
  nextRetryAt(): number | undefined {
    let next: number | undefined;
    for (const entry of this.pending.values()) {
      if (!entry.lease && (next === undefined || entry.availableAt < next)) next = entry.availableAt;
    }
    return next;
  }

  /** Like XACK: whoever handled it, the message is done. */
  ack(lease: Lease): void {
    this.pending.delete(lease.message.id);
  }

  /** Only the holder's failure counts: a message released to the group belongs to its next consumer. */
  owns(lease: Lease): boolean {
    return this.pending.get(lease.message.id)?.lease === lease;
  }

  retryLater(lease: Lease, availableAt: number): void {
    const entry = this.pending.get(lease.message.id);
    if (entry?.lease !== lease) return;
    entry.lease = undefined;
    entry.availableAt = availableAt;
    this.notify();
  }

  /** A stopping consumer gives its message back so that another consumer of the group can take it now. */
  release(lease: Lease, now: number): void {
    this.retryLater(lease, now);
  }

  notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /** Calls `wake` on the next notification; returns the function that unsubscribes. */
  onNotify(wake: () => void): () => void {
    this.waiters.add(wake);
    return () => this.waiters.delete(wake);
  }

  stats(): { pending: number; lag: number } {
    return { pending: this.pending.size, lag: this.log.length - this.cursor };
  }
}
