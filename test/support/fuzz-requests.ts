import { hostileAuthHeaders, hostileContentHeaders, hostileId, hostileQuery, hostileWholeBody, malformedJson } from './fuzz-http-parts.js';
import { toJsonText, type Hostile } from './fuzz-json.js';
import { mutateBody, type Mutation } from './fuzz-mutations.js';
import type { Rng } from './seeded-random.js';
import type { Route } from './fuzz-routes.js';

export interface FuzzRequest {
  /** What kind of hostility this is, for the summary: `body`, `id`, `query`, `content-type`, `json`, `whole-body`, `method`, `auth`. */
  kind: Kind;
  route: string;
  method: string;
  /** Encoded as sent, query string included. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  mutations?: Mutation[];
  /** An unknown field the answer, when a 400, must name (or a field around it). */
  unknownField?: string;
}

/** What the generator draws valid requests from: sample bodies and queries by DTO, and ids that exist. */
export interface FuzzFixtures {
  bodies(route: Route): Hostile[];
  query(route: Route): Record<string, string>;
  /** Ids of existing things the route's path names; DELETE routes get ids of their own, so that fuzzing deletes nothing others use. */
  ids(route: Route): string[];
  /** Sent with every request but the `auth` kind: the admin token. */
  authHeaders: Record<string, string>;
}

type Kind = 'body' | 'id' | 'query' | 'content-type' | 'json' | 'whole-body' | 'method' | 'auth';

/** How often each kind is drawn, and which routes it applies to. */
const KINDS: readonly (readonly [number, Kind, (route: Route) => boolean])[] = [
  [35, 'body', (r) => r.body !== undefined],
  [12, 'id', (r) => r.params.length > 0],
  [14, 'query', () => true],
  [8, 'content-type', (r) => r.body !== undefined],
  [12, 'json', (r) => r.body !== undefined],
  [10, 'whole-body', (r) => r.method !== 'GET'],
  [5, 'method', () => true],
  [4, 'auth', () => true],
];
const JSON_HEADERS = { 'content-type': 'application/json' };
const ODD_METHODS = ['PATCH', 'OPTIONS', 'HEAD', 'PUT', 'DELETE', 'POST', 'GET'];
const ODD_PATHS = ['/bots/x/y/z', '/%FF', `/${'a'.repeat(8000)}`, '/bots/../health', '//bots', '/BOTS', '/bots/', '/bots?', '/bots;a=1', '/.env', '/bots/%2F'];

export class FuzzRequestGenerator {
  constructor(
    private readonly rng: Rng,
    private readonly routes: Route[],
    private readonly fixtures: FuzzFixtures,
  ) {}

  next(): FuzzRequest {
    const rng = this.rng;
    const kind = rng.weighted(KINDS.map(([weight, name]) => [weight, name] as const));
    const route = rng.pick(this.routes.filter(KINDS.find(([, name]) => name === kind)![2]));
    const base = { kind, route: `${route.method} ${route.path}`, method: route.method };
    const auth = this.fixtures.authHeaders;
    const sample = () => (route.body ? rng.pick(this.fixtures.bodies(route)) : {});
    switch (kind) {
      case 'body': {
        const { body, mutations } = mutateBody(rng, sample());
        const unknown = mutations.length === 1 && mutations[0].op === 'extra' && /(^|\.)x[0-9a-f]{6}$/.test(mutations[0].field) ? mutations[0].field : undefined;
        return { ...base, path: this.pathOf(route), headers: { ...auth, ...JSON_HEADERS }, body: toJsonText(body), mutations, unknownField: unknown };
      }
      case 'id': {
        const real = rng.pick(this.fixtures.ids(route).concat(rng.uuid()));
        return { ...base, path: route.path.replace(/:\w+/g, () => hostileId(rng, real)), ...this.validBody(route) };
      }
      case 'query':
        return { ...base, path: this.pathOf(route) + hostileQuery(rng, this.fixtures.query(route), rng.uuid()), ...this.validBody(route) };
      case 'content-type': {
        const body = rng.chance(0.8) ? toJsonText(sample()) : 'name=x&type=dca&conditions[0][timeframe]=15m';
        return { ...base, path: this.pathOf(route), headers: { ...auth, ...hostileContentHeaders(rng) }, body };
      }
      case 'json':
        return { ...base, path: this.pathOf(route), headers: { ...auth, ...JSON_HEADERS }, body: malformedJson(rng, toJsonText(sample())) };
      case 'whole-body':
        return { ...base, path: this.pathOf(route), headers: { ...auth, ...JSON_HEADERS }, body: hostileWholeBody(rng, toJsonText(sample())) };
      case 'auth':
        return { ...base, path: this.pathOf(route), ...this.validBody(route), headers: { ...(route.body && JSON_HEADERS), ...hostileAuthHeaders(rng) } };
      default: {
        const method = rng.pick(ODD_METHODS.filter((m) => m !== route.method));
        return { ...base, method, path: rng.chance(0.7) ? this.pathOf(route) : rng.pick(ODD_PATHS), ...this.validBody(route) };
      }
    }
  }

  /** The route's path with an id that exists (mostly) or a well-formed one that names nothing. */
  private pathOf(route: Route): string {
    const ids = this.fixtures.ids(route);
    return route.path.replace(/:\w+/g, () => (ids.length > 0 && this.rng.chance(0.75) ? this.rng.pick(ids) : this.rng.uuid()));
  }

  private validBody(route: Route): Pick<FuzzRequest, 'headers' | 'body'> {
    if (!route.body) return { headers: { ...this.fixtures.authHeaders } };
    return { headers: { ...this.fixtures.authHeaders, ...JSON_HEADERS }, body: toJsonText(this.rng.pick(this.fixtures.bodies(route))) };
  }
}
