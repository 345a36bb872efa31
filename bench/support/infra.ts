import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Client } from 'pg';

/** The servers the benchmarks run on: the same ones, and the same variables, as the integration tests. */
export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface BenchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A database of the benchmark's own, dropped by `drop()`. */
export async function createBenchDatabase(area: string): Promise<BenchDatabase> {
  const name = `bench_${area.replace(/\W/g, '_')}_${randomUUID().slice(0, 8)}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

export async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

/** A Redis key prefix of the benchmark's own. */
export function benchKeyPrefix(area: string): string {
  return `bench:${area}:${randomUUID().slice(0, 8)}`;
}

export async function deleteKeysUnder(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
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

/** Server versions, for the report. */
export async function serverVersions(): Promise<{ postgres: string; redis: string }> {
  const postgres = await admin(async (client) => (await client.query(`SHOW server_version`)).rows[0].server_version as string).catch(() => 'unknown');
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const server = await redis.info('server');
    return { postgres, redis: /redis_version:(\S+)/.exec(server)?.[1] ?? 'unknown' };
  } catch {
    return { postgres, redis: 'unknown' };
  } finally {
    redis.disconnect();
  }
}

/** Runs `work` with a database and a key prefix of its own, and removes both whatever happens. */
export async function withIsolatedServers<T>(area: string, work: (db: BenchDatabase, prefix: string) => Promise<T>): Promise<T> {
  const database = await createBenchDatabase(area);
  const prefix = benchKeyPrefix(area);
  try {
    return await work(database, prefix);
  } finally {
    await database.drop().catch(() => undefined);
    await deleteKeysUnder(prefix).catch(() => undefined);
  }
}
