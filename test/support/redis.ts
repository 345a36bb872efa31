import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis the integration tests run on; each test works under its own key prefix. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniqueKeyPrefix(area: string): string {
  return `test:${area}:${randomUUID().slice(0, 8)}`;
}

export async function withRedis<T>(work: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(REDIS_URL);
  try {
    return await work(redis);
  } finally {
    await redis.quit();
  }
}

export async function deleteKeysUnder(prefix: string): Promise<void> {
  await withRedis(async (redis) => {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  });
}

/**
 * Drops the connections whose name contains `fragment`, as a network failure or a Redis restart would,
 * without touching anyone else's (tests in other files share this server).
 */
export async function killConnectionsNamed(fragment: string): Promise<number> {
  return withRedis(async (redis) => {
    const clients = ((await redis.client('LIST')) as string).split('\n');
    const ids = clients
      .map((line) => Object.fromEntries(line.split(' ').map((pair) => pair.split('=') as [string, string])))
      .filter((client) => client.name?.includes(fragment))
      .map((client) => client.id);
    for (const id of ids) await redis.client('KILL', 'ID', id);
    return ids.length;
  });
}
