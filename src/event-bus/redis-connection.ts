import { Redis } from 'ioredis';
import { describeError, type BusLogger } from './bus-logger.js';

/**
 * A connection that reconnects by itself (ioredis retries forever by default) and logs an outage once,
 * not on every reconnect attempt. The name shows up in CLIENT LIST, so an operator can tell the bus's
 * publisher from each consumer's blocking reader.
 */
export function openRedisConnection(url: string, name: string, logger: BusLogger): Redis {
  const redis = new Redis(url, { connectionName: name.replace(/\s/g, '_') });
  let down = false;
  const markDown = (reason: string) => {
    if (down) return;
    down = true;
    logger.warn(`Redis connection ${name} lost (${reason}); reconnecting`);
  };
  redis.on('error', (error: unknown) => markDown(describeError(error)));
  redis.on('reconnecting', () => markDown('closed'));
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.log(`Redis connection ${name} is back`);
  });
  return redis;
}

/** Closes politely when Redis answers, at once when it does not (quit would wait for a reconnect). */
export async function closeRedisConnection(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  await redis.quit().catch(() => redis.disconnect());
}
