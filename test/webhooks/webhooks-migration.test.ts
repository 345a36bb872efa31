import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { Webhooks1764000000009 } from '../../migrations/1764000000009-Webhooks.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe('migration Webhooks1764000000009', () => {
  let database: TestDatabase;
  let source: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('webhooks_migration');
    source = new DataSource({ type: 'postgres', url: database.url, migrations: MIGRATIONS, migrationsTransactionMode: 'each' });
    await source.initialize();
  });

  afterAll(async () => {
    await source?.destroy();
    await database?.drop();
  });

  const tables = async () =>
    (await source.query(`SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'webhook%' ORDER BY table_name`)).map((r: { table_name: string }) => r.table_name);

  it('is registered, and reverts cleanly and runs again', async () => {
    const ran = await source.runMigrations();
    expect(ran.map((m) => m.name)).toContain('Webhooks1764000000009');
    expect(await tables()).toEqual(['webhook_deliveries', 'webhooks']);
    const runner = source.createQueryRunner();
    try {
      await new Webhooks1764000000009().down(runner);
      expect(await tables()).toEqual([]);
      await new Webhooks1764000000009().up(runner);
    } finally {
      await runner.release();
    }
    expect(await tables()).toEqual(['webhook_deliveries', 'webhooks']);
  });
});
