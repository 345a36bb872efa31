import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Client } from 'pg';

/**
 * Throwaway databases and key prefixes on the local servers, shared by the integration tests (`test/support/`) and
 * the benchmarks. It lives here because the benchmarks are compiled with the app and cannot import `test/`; the
 * app itself never imports it.
 */

/** The Postgres server both run on; each test file or benchmark creates a database of its own there. */
export const SCRATCH_PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const SCRATCH_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface ScratchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Runs `work` on a connection to the server's own database (to create, drop or inspect). */
export async function withAdminClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: SCRATCH_PG_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database named `<prefix>_<area>_<random>`, dropped (connections and all) by `drop()`. */
export async function createScratchDatabase(prefix: string, area: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${area.replace(/\W/g, '_')}_${randomUUID().slice(0, 8)}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(SCRATCH_PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** A plain client on a scratch database, to write fixtures or read back what the app wrote. */
export async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

export async function deleteKeysUnder(prefix: string): Promise<void> {
  const redis = new Redis(SCRATCH_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}
