import type { FakeAccount } from './fake-account.js';
import { binanceError, type FakeReply, type FakeRequest } from './fake-binance.types.js';

/** An endpoint as `METHOD /path`, e.g. `POST /api/v3/order`. */
export type Endpoint = `${'GET' | 'POST' | 'PUT' | 'DELETE'} /${string}`;

/**
 * What happens to a request hit by a fault:
 * - `delay`: answered normally, `ms` later;
 * - `reply`: answered with `reply` instead (429, 418, 503, ...), the request is not handled;
 * - `hang`: never answered, so the client times out; `accepted` says whether the request was handled first
 *   (an order placed whose confirmation never arrives) or not (the exchange never saw it);
 * - `drop`: the connection is closed without an answer, before or after handling, the same way.
 */
export type FaultAction =
  | { kind: 'delay'; ms: number }
  | { kind: 'reply'; reply: FakeReply }
  | { kind: 'hang'; accepted: boolean }
  | { kind: 'drop'; accepted: boolean };

interface Rule {
  endpoint: Endpoint;
  action: FaultAction;
  remaining: number;
}

/** Faults armed per endpoint; each applies to the next `times` requests of its endpoint, first armed first. */
export class Faults {
  private rules: Rule[] = [];

  constructor(private readonly account: FakeAccount) {}

  add(endpoint: Endpoint, action: FaultAction, times = 1): this {
    this.rules.push({ endpoint, action, remaining: times });
    return this;
  }

  delay(endpoint: Endpoint, ms: number, times = 1): this {
    return this.add(endpoint, { kind: 'delay', ms }, times);
  }

  /** Binance's rate-limit answer: 429 (or 418 once banned) with Retry-After in seconds. */
  rateLimit(endpoint: Endpoint, retryAfterSeconds: number, options: { status?: 429 | 418; times?: number } = {}): this {
    const status = options.status ?? 429;
    const message = status === 418 ? 'Way too many requests; IP banned.' : 'Too many requests; current limit is 6000 request weight per 1 MINUTE.';
    const reply = { ...binanceError(status, -1003, message), headers: { 'Retry-After': String(retryAfterSeconds) } };
    return this.add(endpoint, { kind: 'reply', reply }, options.times);
  }

  /** The request is handled (the order exists) but its answer never comes: the client's timeout fires. */
  timeoutAfterAccept(endpoint: Endpoint, times = 1): this {
    return this.add(endpoint, { kind: 'hang', accepted: true }, times);
  }

  /** The request is lost on the way: never handled, never answered. */
  timeoutBeforeAccept(endpoint: Endpoint, times = 1): this {
    return this.add(endpoint, { kind: 'hang', accepted: false }, times);
  }

  dropAfterAccept(endpoint: Endpoint, times = 1): this {
    return this.add(endpoint, { kind: 'drop', accepted: true }, times);
  }

  dropBeforeAccept(endpoint: Endpoint, times = 1): this {
    return this.add(endpoint, { kind: 'drop', accepted: false }, times);
  }

  /** Orders placed from now on answer "Order does not exist." to their first `lookups` GET /api/v3/order. */
  hideFreshOrders(lookups: number): this {
    this.account.hideFreshOrdersFor = lookups;
    return this;
  }

  clear(): void {
    this.rules = [];
    this.account.hideFreshOrdersFor = 0;
  }

  /** The fault for this request, if one is armed for its endpoint; uses one of its times. */
  take(request: FakeRequest): FaultAction | undefined {
    const rule = this.rules.find((r) => r.remaining > 0 && r.endpoint === `${request.method} ${request.path}`);
    if (!rule) return undefined;
    rule.remaining--;
    return rule.action;
  }
}
