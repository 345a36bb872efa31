import type { ConditionView } from './condition.view.js';

/** How long a condition's answer may be served from memory: across replicas, the API is this far behind at most. */
export const CONDITION_VIEW_TTL_MS = 1_000;
const MAX_ENTRIES = 10_000;

/**
 * `GET /conditions/:id` answers for a second: clients poll shared conditions, and a second's staleness is far below
 * what the answer can change by (its evaluation changes once a candle, its subscriber count when a bot comes or
 * goes). In this process the registry drops a condition's answer when its subscribers change and every answer when
 * evaluations are recorded, so a client reads its own writes here; other replicas catch up within the TTL, and so
 * does a read that races a change's commit here (the registry drops answers when it writes, not when that commits).
 */
export class ConditionViewCache {
  private readonly entries = new Map<string, { view: ConditionView; expiresAt: number }>();
  /** Bumped by every change: an answer read before a change is not kept after it. */
  private generation = 0;

  constructor(
    private readonly ttlMs = CONDITION_VIEW_TTL_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get(id: string): ConditionView | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt > this.now()) return entry.view;
    this.entries.delete(id);
    return undefined;
  }

  /** Call before reading a condition; pass the result to `set`. */
  version(): number {
    return this.generation;
  }

  set(id: string, view: ConditionView, readAtVersion: number): void {
    if (readAtVersion !== this.generation) return;
    // Oldest first: a Map iterates in insertion order, so the first key is the one written longest ago.
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(id, { view, expiresAt: this.now() + this.ttlMs });
  }

  forget(ids: Iterable<string>): void {
    this.generation++;
    for (const id of ids) this.entries.delete(id);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }
}
