import type { Client } from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeCondition, RegistryService, type ConditionDefinition } from '../../src/registry/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const MARKET = { exchange: 'paper', symbol: 'BTC/USDT' };
const rsiBelow = (value: number): ConditionDefinition =>
  normalizeCondition({ timeframe: '1h', indicator: 'rsi', params: { period: 14 }, operator: 'lt', value }, MARKET, 'conditions[0]');

/** Identical conditions are stored once, under their canonical key, whoever registers them and however concurrently. */
describe('registering conditions', () => {
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;
  let registry: RegistryService;
  let source: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('register_conditions');
    app = await startTestApp({ DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'simulated' });
    db = await connect(database.url);
    registry = app.get(RegistryService);
    source = app.get(DataSource);
  });

  afterAll(async () => {
    await db?.end();
    await app?.close();
    await database?.drop();
  });

  const rowsOf = async (keys: string[]) =>
    (await db.query(`SELECT id, key, xmin::text AS version FROM conditions WHERE key = ANY($1) ORDER BY key`, [keys])).rows;

  it('gives each definition its id, in order, a repeated one twice, and stores each key once', async () => {
    const [a, b] = [rsiBelow(21), rsiBelow(22)];
    const registered = await registry.register(source.manager, [a, b, a], 0);
    expect(registered[0]).toEqual(registered[2]);
    expect(registered[0].id).not.toBe(registered[1].id);
    expect((await rowsOf(registered.map((r) => r.key))).map((r) => r.id)).toEqual([registered[0].id, registered[1].id]);
  });

  it('only reads conditions that exist: their rows are neither locked nor rewritten', async () => {
    const existing = await registry.register(source.manager, [rsiBelow(23)], 0);
    const before = await rowsOf([existing[0].key]);
    const again = await registry.register(source.manager, [rsiBelow(23), rsiBelow(24)], 0);
    expect(again[0]).toEqual(existing[0]);
    // An update (even a no-op `ON CONFLICT DO UPDATE`) would give the row a new version.
    expect(await rowsOf([existing[0].key])).toEqual(before);
    // A transaction holding the existing row's lock does not hold up its registration elsewhere.
    const holder = await connect(database.url);
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM conditions WHERE id = $1 FOR UPDATE', [existing[0].id]);
      expect(await registry.register(source.manager, [rsiBelow(23)], 0)).toEqual(existing);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });

  it('registers the same new conditions from concurrent transactions under one id each', async () => {
    const definitions = [rsiBelow(31), rsiBelow(32), rsiBelow(33)];
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        source.transaction((manager) => registry.register(manager, i % 2 ? definitions : [...definitions].reverse(), 0))),
    );
    const idsByKey = new Map<string, Set<string>>();
    for (const result of results) for (const { key, id } of result) idsByKey.set(key, (idsByKey.get(key) ?? new Set()).add(id));
    expect([...idsByKey.values()].map((ids) => ids.size)).toEqual([1, 1, 1]);
    expect(await rowsOf([...idsByKey.keys()])).toHaveLength(3);
  });
});
