import type { Principal } from './principal.js';

/**
 * Recently authenticated tokens, by hash, so that a client's burst of requests costs one lookup: the lookup was a
 * Postgres round trip per request, the heaviest part of a cheap GET. Only tokens that were valid are kept (a flood
 * of made-up tokens cannot fill it), at most `capacity` of them, each for `ttlMs`. A revocation made in this process
 * drops its token at once; one made through another replica takes effect here within `ttlMs`.
 */
export class TokenCache {
  private readonly entries = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly capacity = 10_000,
  ) {}

  get(hash: string, now = Date.now()): Principal | undefined {
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    if (entry.until > now) return entry.principal;
    this.entries.delete(hash);
    return undefined;
  }

  set(hash: string, principal: Principal, now = Date.now()): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(hash);
    // Maps iterate in insertion order: the first key is the entry cached longest ago.
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(hash, { principal, until: now + this.ttlMs });
  }

  forgetToken(tokenId: string): void {
    for (const [hash, { principal }] of this.entries) if (principal.tokenId === tokenId) this.entries.delete(hash);
  }
}
