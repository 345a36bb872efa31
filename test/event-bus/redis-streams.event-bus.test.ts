import { afterEach, describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/event-bus/event-bus.port.js';
import type { TriggerFiredV1 } from '../../src/event-bus/events.js';
import { RedisStreamsEventBus } from '../../src/event-bus/redis-streams.event-bus.js';
import { deleteKeysUnder, killConnectionsNamed, REDIS_URL, uniqueKeyPrefix, withRedis } from '../support/redis.js';
import { deferred, sleep, waitFor } from '../support/wait-for.js';
import { CONTRACT_MAX_DELIVERIES, eventBusContract, trigger } from './event-bus.contract.js';
import { RecordingLogger } from './recording-logger.js';

const CLAIM_IDLE_MS = 200;

function redisBus(keyPrefix: string, logger = new RecordingLogger()): RedisStreamsEventBus {
  return new RedisStreamsEventBus({
    url: REDIS_URL,
    keyPrefix,
    claimIdleMs: CLAIM_IDLE_MS,
    maxDeliveries: CONTRACT_MAX_DELIVERIES,
    logger,
  });
}

eventBusContract('RedisStreamsEventBus', async () => {
  const keyPrefix = uniqueKeyPrefix('bus');
  const bus = redisBus(keyPrefix);
  return {
    bus,
    cleanup: async () => {
      await bus.close();
      await deleteKeysUnder(keyPrefix);
    },
  };
});

describe('RedisStreamsEventBus on a real Redis', () => {
  const keyPrefix = uniqueKeyPrefix('bus');
  const toClose: RedisStreamsEventBus[] = [];

  function openBus(logger?: RecordingLogger): RedisStreamsEventBus {
    const bus = redisBus(keyPrefix, logger);
    toClose.push(bus);
    return bus;
  }

  afterEach(async () => {
    await Promise.all(toClose.splice(0).map((bus) => bus.close()));
    await deleteKeysUnder(keyPrefix);
  });

  it('keeps a published message across closing and recreating the bus', async () => {
    const before = openBus();
    await before.publish('trigger.fired', [trigger(1)]);
    await before.close();

    const handled: Delivery<TriggerFiredV1>[] = [];
    await openBus().consume('trigger.fired', { group: 'notifier', consumer: 'n1' }, async (d) => void handled.push(d));

    await waitFor(() => handled.length === 1);
    expect(handled[0].payload).toEqual(trigger(1));
  });

  it('keeps a failed message pending across closing the bus, for the next process to retry', async () => {
    const before = openBus();
    let failures = 0;
    await before.consume('trigger.fired', { group: 'notifier', consumer: 'n1' }, async () => {
      failures += 1;
      throw new Error('exchange unavailable');
    });
    await before.publish('trigger.fired', [trigger(1)]);
    await waitFor(() => failures === 1);
    await before.close();

    const handled: Delivery<TriggerFiredV1>[] = [];
    await openBus().consume('trigger.fired', { group: 'notifier', consumer: 'n2' }, async (d) => void handled.push(d));

    await waitFor(() => handled.length === 1);
    expect(handled[0].deliveryCount).toBe(2);
  });

  it('keeps consuming after its Redis connections are dropped', async () => {
    const logger = new RecordingLogger();
    const bus = openBus(logger);
    const handled: Delivery<TriggerFiredV1>[] = [];
    await bus.consume('trigger.fired', { group: 'notifier', consumer: 'n1' }, async (d) => void handled.push(d));
    await bus.publish('trigger.fired', [trigger(1)]);
    await waitFor(() => handled.length === 1);

    expect(await killConnectionsNamed(`event-bus:${keyPrefix}:`)).toBe(2);
    await bus.publish('trigger.fired', [trigger(2)]);

    await waitFor(() => handled.length === 2);
    expect(handled.map((d) => d.payload.triggerId)).toEqual(['trigger-1', 'trigger-2']);
    expect(logger.messages('warn').some((message) => message.includes('lost'))).toBe(true);
    await waitFor(async () => (await bus.stats('trigger.fired', 'notifier')).pending === 0);
  });

  it('recovers when its stream is deleted under it: logs, backs off, recreates the group', async () => {
    const logger = new RecordingLogger();
    const bus = openBus(logger);
    const handled: Delivery<TriggerFiredV1>[] = [];
    await bus.consume('trigger.fired', { group: 'notifier', consumer: 'n1' }, async (d) => void handled.push(d));
    await bus.publish('trigger.fired', [trigger(1)]);
    await waitFor(() => handled.length === 1);

    await withRedis((redis) => redis.del(`${keyPrefix}:trigger.fired`));
    await waitFor(() => logger.messages('warn').some((message) => message.includes('NOGROUP')));
    await bus.publish('trigger.fired', [trigger(2)]);

    await waitFor(() => handled.length === 2);
    expect(handled[1].payload).toEqual(trigger(2));
  });

  it('does not hand a slow handler’s message to another consumer', async () => {
    const bus = openBus();
    const work = deferred();
    const handled: string[] = [];
    for (const consumer of ['a', 'b']) {
      await bus.consume('trigger.fired', { group: 'notifier', consumer }, async () => {
        handled.push(consumer);
        await work.promise;
      });
    }
    await bus.publish('trigger.fired', [trigger(1)]);

    await sleep(CLAIM_IDLE_MS * 3);
    work.resolve();
    await waitFor(async () => (await bus.stats('trigger.fired', 'notifier')).pending === 0);
    expect(handled).toHaveLength(1);
  });

  it('dead-letters an entry it cannot parse without calling the handler', async () => {
    const bus = openBus();
    await withRedis((redis) => redis.xadd(`${keyPrefix}:trigger.fired`, '*', 'v', '1', 'data', '{not json'));
    let calls = 0;
    await bus.consume('trigger.fired', { group: 'notifier', consumer: 'n1' }, async () => void (calls += 1));

    await waitFor(async () => (await bus.deadLetters('trigger.fired', 10)).length === 1);
    const [dead] = await bus.deadLetters('trigger.fired', 10);
    expect(dead).toMatchObject({ deliveries: 1, payload: '{not json' });
    expect(dead.lastError).toMatch(/unparseable/);
    expect(calls).toBe(0);
    expect(await bus.stats('trigger.fired', 'notifier')).toEqual({ pending: 0, lag: 0 });
  });
});
