import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  connect,
  createScratchDatabase,
  deleteKeysUnder,
  SCRATCH_REDIS_URL,
  withAdminClient,
  type ScratchDatabase,
} from './scratch-servers.js';

/** The servers the benchmarks run on: the same ones, and the same variables, as the integration tests. */
export const REDIS_URL = SCRATCH_REDIS_URL;

export type BenchDatabase = ScratchDatabase;
export { connect, deleteKeysUnder };

/** A database of the benchmark's own, dropped by `drop()`. */
export function createBenchDatabase(area: string): Promise<BenchDatabase> {
  return createScratchDatabase('bench', area);
}

/** A Redis key prefix of the benchmark's own. */
export function benchKeyPrefix(area: string): string {
  return `bench:${area}:${randomUUID().slice(0, 8)}`;
}

/** Server versions, for the report. */
export async function serverVersions(): Promise<{ postgres: string; redis: string }> {
  const postgres = await withAdminClient(async (client) => (await client.query(`SHOW server_version`)).rows[0].server_version as string).catch(() => 'unknown');
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
