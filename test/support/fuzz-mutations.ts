import { DuplicateKeys, hostileValue, isPlainObject, setKey, type Hostile, type JsonPath } from './fuzz-json.js';
import type { Rng } from './seeded-random.js';

/** What a mutation did, and where: `field` is dotted like the API's `fields` (`conditions.0.value`). */
export interface Mutation {
  op: 'drop' | 'retype' | 'rename' | 'extra' | 'duplicate' | 'wrap';
  field: string;
}

const KEY_VARIANTS = [
  (key: string) => key.toUpperCase(), (key: string) => `${key} `, (key: string) => `_${key}`, (key: string) => `${key}\u0000`,
  (key: string) => key.replace(/a/g, 'а'), () => '__proto__', () => 'constructor', () => '', () => 'toString', () => 'hasOwnProperty',
];
const WEIRD_KEYS = ['', ' ', 'constructor', 'prototype', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'a.b', '0', '$where', 'id', 'status'];

export const dotted = (path: JsonPath) => path.join('.');

/** Every container and leaf under `root`, by path (the root itself is `[]`). */
function paths(root: Hostile): { path: JsonPath; value: Hostile }[] {
  const found: { path: JsonPath; value: Hostile }[] = [];
  const stack: { path: JsonPath; value: Hostile }[] = [{ path: [], value: root }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    found.push(entry);
    if (Array.isArray(entry.value)) entry.value.forEach((v, i) => stack.push({ path: [...entry.path, i], value: v }));
    else if (isPlainObject(entry.value)) for (const [k, v] of Object.entries(entry.value)) stack.push({ path: [...entry.path, k], value: v });
  }
  return found;
}

function at(root: Hostile, path: JsonPath): Hostile {
  return path.reduce<Hostile>((value, key) => (value as Record<string | number, Hostile>)[key], root);
}

/** Replaces the value at a non-empty path, keeping the key order of objects. */
function put(root: Hostile, path: JsonPath, value: Hostile): void {
  const parent = at(root, path.slice(0, -1)) as Record<string, Hostile> | Hostile[];
  const key = path[path.length - 1];
  if (Array.isArray(parent)) parent[key as number] = value;
  else setKey(parent, String(key), value);
}

function remove(root: Hostile, path: JsonPath): void {
  const parent = at(root, path.slice(0, -1)) as Record<string, Hostile> | Hostile[];
  const key = path[path.length - 1];
  if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete parent[String(key)];
}

/** A rebuilt object with one key renamed in place. */
function renamed(object: Record<string, Hostile>, from: string, to: string): Record<string, Hostile> {
  const out: Record<string, Hostile> = {};
  for (const [key, value] of Object.entries(object)) setKey(out, key === from ? to : key, value);
  return out;
}

/**
 * One to three mutations of a valid body: fields dropped, retyped, renamed, duplicated or wrapped, unknown fields
 * added. Returns the mutated body (a fresh copy) and what was done.
 */
export function mutateBody(rng: Rng, sample: Hostile, count = rng.weighted([[6, 1], [3, 2], [1, 3]] as const)): { body: Hostile; mutations: Mutation[] } {
  let body = structuredClone(sample) as Hostile;
  const mutations: Mutation[] = [];
  for (let i = 0; i < count; i++) {
    const all = paths(body);
    const inner = all.filter((p) => p.path.length > 0);
    const objects = all.filter((p) => isPlainObject(p.value));
    const keyed = inner.filter((p) => typeof p.path[p.path.length - 1] === 'string');
    const op = rng.weighted<Mutation['op']>([[3, 'drop'], [6, 'retype'], [2, 'rename'], [3, 'extra'], [1, 'duplicate'], [1, 'wrap']]);
    if ((op === 'drop' || op === 'retype' || op === 'wrap') && inner.length > 0) {
      const { path, value } = rng.pick(inner);
      if (op === 'drop') remove(body, path);
      else put(body, path, op === 'wrap' ? rng.pick<Hostile>([[value], { value }]) : hostileValue(rng, path[path.length - 1]));
      mutations.push({ op, field: dotted(path) });
    } else if (op === 'rename' && keyed.length > 0) {
      const { path } = rng.pick(keyed);
      const key = String(path[path.length - 1]);
      const to = rng.pick(KEY_VARIANTS)(key);
      const parentPath = path.slice(0, -1);
      const next = renamed(at(body, parentPath) as Record<string, Hostile>, key, to);
      if (parentPath.length === 0) body = next;
      else put(body, parentPath, next);
      mutations.push({ op, field: dotted([...parentPath, to]) });
    } else if (op === 'duplicate' && keyed.length > 0) {
      // Last: a DuplicateKeys node is opaque to later mutations.
      const { path, value } = rng.pick(keyed);
      const parentPath = path.slice(0, -1);
      const entries = Object.entries(at(body, parentPath) as Record<string, Hostile>);
      const twice = rng.chance(0.5) ? value : hostileValue(rng, path[path.length - 1]);
      const node = new DuplicateKeys(rng.chance(0.5) ? [...entries, [String(path[path.length - 1]), twice]] : [[String(path[path.length - 1]), twice], ...entries]);
      if (parentPath.length === 0) body = node;
      else put(body, parentPath, node);
      mutations.push({ op, field: dotted(path) });
      break;
    } else if (objects.length > 0) {
      const { path } = rng.pick(objects);
      const key = rng.chance(0.7) ? `x${rng.hex(6)}` : rng.pick(WEIRD_KEYS);
      const target = at(body, path) as Record<string, Hostile>;
      if (Object.hasOwn(target, key)) continue;
      setKey(target, key, hostileValue(rng, key));
      mutations.push({ op: 'extra', field: dotted([...path, key]) });
    }
  }
  return { body, mutations };
}
