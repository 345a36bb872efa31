import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Delivery, Handler } from '../../src/event-bus/event-bus.port.js';
import type { TriggerFiredV1 } from '../../src/event-bus/events.js';
import { RedisStreamConsumer } from '../../src/event-bus/redis-stream-consumer.js';
import { RedisStreamsEventBus } from '../../src/event-bus/redis-streams.event-bus.js';
import { deleteKeysUnder, REDIS_URL, uniqueKeyPrefix } from '../support/redis.js';
import { deferred, waitFor } from '../support/wait-for.js';
import { trigger } from './event-bus.contract.js';
import { RecordingLogger } from './recording-logger.js';

const GROUP = 'notifier';
const CLAIM_IDLE_MS = 200;

/**
 * The Redis consumer acknowledges the entries handled in a batch with one XACK. These tests build the consumer on
 * connections of their own, so that a crash can be played by cutting them: nothing is flushed, nothing renewed.
 */
describe('RedisStreamConsumer: batched acknowledgements', () => {
  const keyPrefix = uniqueKeyPrefix('acks');
  const stream = `${keyPrefix}:trigger.fired`;
  const cleanups: (() => Promise<unknown>)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
    await deleteKeysUnder(keyPrefix);
  });

  function connection(): Redis {
    const redis = new Redis(REDIS_URL);
    cleanups.push(async () => redis.disconnect());
    return redis;
  }

  /** Publishes before consuming, so that the consumer's first read takes them all in one batch. */
  async function publish(count: number): Promise<RedisStreamsEventBus> {
    const bus = new RedisStreamsEventBus({ url: REDIS_URL, keyPrefix, claimIdleMs: CLAIM_IDLE_MS, maxDeliveries: 5, logger: new RecordingLogger() });
    cleanups.push(() => bus.close());
    await connection().xgroup('CREATE', stream, GROUP, '0', 'MKSTREAM');
    await bus.publish('trigger.fired', Array.from({ length: count }, (_, i) => trigger(i + 1)));
    return bus;
  }

  function startConsumer(handler: Handler<TriggerFiredV1>, options: { claimIdleMs?: number; ackDelayMs?: number } = {}) {
    const commands = connection();
    const reader = connection();
    const logger = new RecordingLogger();
    const consumer = new RedisStreamConsumer<TriggerFiredV1>(
      {
        commands, reader, topic: 'trigger.fired', stream, deadStream: `${stream}:dead`, group: GROUP, consumer: 'c1',
        claimIdleMs: options.claimIdleMs ?? CLAIM_IDLE_MS, maxDeliveries: 5, blockMs: 100, batchSize: 100,
        ackDelayMs: options.ackDelayMs ?? 60_000, logger, ensureGroup: async () => undefined,
      },
      handler,
    );
    consumer.start();
    cleanups.push(() => consumer.stop());
    return { consumer, commands, reader, logger };
  }

  const pendingIds = async () => ((await connection().xpending(stream, GROUP, '-', '+', 100)) as [string][]).map(([id]) => id);

  it('redelivers the handled entries of a batch when the consumer crashes before its XACK', async () => {
    const bus = await publish(3);
    const handled: Delivery<TriggerFiredV1>[] = [];
    const third = deferred();
    const crashed = startConsumer(async (d) => {
      handled.push(d);
      if (d.payload.triggerId === 'trigger-3') await third.promise;
    });
    await waitFor(() => handled.length === 3);
    // Two handled, the third in hand: none is acknowledged yet, the batch's XACK comes after the batch.
    expect(await pendingIds()).toHaveLength(3);

    crashed.commands.disconnect();
    crashed.reader.disconnect();
    third.resolve();

    const redelivered: Delivery<TriggerFiredV1>[] = [];
    await bus.consume('trigger.fired', { group: GROUP, consumer: 'c2' }, async (d) => void redelivered.push(d));
    await waitFor(() => redelivered.length === 3);
    expect(redelivered.map((d) => [d.payload.triggerId, d.deliveryCount])).toEqual([
      ['trigger-1', 2],
      ['trigger-2', 2],
      ['trigger-3', 2],
    ]);
    await waitFor(async () => (await pendingIds()).length === 0);
  });

  it('acknowledges a batch with one XACK, leaving out the entry whose handler failed', async () => {
    await publish(3);
    const handled: string[] = [];
    const { commands } = startConsumer(
      async (d) => {
        handled.push(d.payload.triggerId);
        if (d.payload.triggerId === 'trigger-2') throw new Error('exchange unavailable');
      },
      // Long enough that the failed entry is not retried while the test looks.
      { claimIdleMs: 60_000 },
    );
    const xack = vi.spyOn(commands, 'xack');

    await waitFor(async () => (await pendingIds()).length === 1);
    expect(handled).toEqual(['trigger-1', 'trigger-2', 'trigger-3']);
    const [, failedId] = (await connection().xrange(stream, '-', '+')).map(([id]) => id);
    expect(await pendingIds()).toEqual([failedId]);
    expect(xack).toHaveBeenCalledTimes(1);
    const [, , ...acknowledged] = xack.mock.calls[0] as unknown as string[];
    expect(acknowledged).toHaveLength(2);
    expect(acknowledged).not.toContain(failedId);
  });

  it('does not hold its batch-mates’ acks behind a slow handler for longer than ackDelayMs', async () => {
    await publish(3);
    const third = deferred();
    let inHand = false;
    startConsumer(
      async (d) => {
        if (d.payload.triggerId !== 'trigger-3') return;
        inHand = true;
        await third.promise;
      },
      { claimIdleMs: 60_000, ackDelayMs: 50 },
    );

    await waitFor(() => inHand);
    await waitFor(async () => (await pendingIds()).length === 1);
    third.resolve();
    await waitFor(async () => (await pendingIds()).length === 0);
  });

  it('sends the acks of what it handled before stop resolves', async () => {
    await publish(5);
    const last = deferred();
    let handled = 0;
    const { consumer, commands } = startConsumer(async () => {
      handled += 1;
      if (handled === 5) await last.promise;
    });
    const xack = vi.spyOn(commands, 'xack');
    await waitFor(() => handled === 5);

    // Stopped with the last entry in hand: it is finished, and the batch's XACK answered, before stop resolves.
    const stopping = consumer.stop();
    last.resolve();
    await stopping;
    expect(xack.mock.settledResults.map((result) => result.type)).toEqual(['fulfilled']);
    expect(await pendingIds()).toEqual([]);
  });
});
