import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Consumer, Delivery, EventBus } from '../../src/event-bus/event-bus.port.js';
import { EVENT_VERSIONS, type TriggerFiredV1 } from '../../src/event-bus/events.js';
import { deferred, sleep, waitFor } from '../support/wait-for.js';

/** Every bus under contract is built with this, so that the dead-letter tests can count deliveries. */
export const CONTRACT_MAX_DELIVERIES = 3;

export interface BusUnderTest {
  bus: EventBus;
  /** Closes the bus and removes whatever it stored. */
  cleanup: () => Promise<void>;
}

const TOPIC = 'trigger.fired';

export function trigger(n: number): TriggerFiredV1 {
  return {
    triggerId: `trigger-${n}`,
    conditionId: 'condition-1',
    conditionKey: 'binance:BTC/USDT:1h:rsi(14)<30',
    candleOpenTime: 1_700_000_000_000 + n * 3_600_000,
    candleCloseTime: 1_700_000_000_000 + (n + 1) * 3_600_000 - 1,
    values: { lhs: 25 + n, rhs: 30, close: 42_000.5 },
  };
}

function triggers(count: number, from = 1): TriggerFiredV1[] {
  return Array.from({ length: count }, (_, i) => trigger(from + i));
}

/** The contract every EventBus adapter passes: consumer-group semantics, retries and dead letters. */
export function eventBusContract(name: string, makeBus: () => Promise<BusUnderTest>): void {
  describe(`${name} — EventBus contract`, () => {
    let bus: EventBus;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ bus, cleanup } = await makeBus());
    });

    afterEach(async () => {
      await cleanup();
    });

    /** Starts a consumer that records what it handles; `work` decides what handling means. */
    async function recordingConsumer(
      group: string,
      consumer: string,
      work: (delivery: Delivery<TriggerFiredV1>) => Promise<void> = async () => {},
    ): Promise<{ consumer: Consumer; handled: Delivery<TriggerFiredV1>[] }> {
      const handled: Delivery<TriggerFiredV1>[] = [];
      const running = await bus.consume(TOPIC, { group, consumer }, async (delivery) => {
        handled.push(delivery);
        await work(delivery);
      });
      return { consumer: running, handled };
    }

    const idsOf = (deliveries: Delivery<TriggerFiredV1>[]) => deliveries.map((d) => d.payload.triggerId);

    it('delivers the typed payload with its schema version', async () => {
      const { handled } = await recordingConsumer('notifier', 'n1');
      await bus.publish(TOPIC, [trigger(1)]);

      await waitFor(() => handled.length === 1);
      expect(handled[0]).toMatchObject({ topic: TOPIC, version: EVENT_VERSIONS[TOPIC], deliveryCount: 1 });
      expect(handled[0].payload).toEqual(trigger(1));
      expect(typeof handled[0].id).toBe('string');
    });

    it('delivers messages in the order they were published', async () => {
      const { handled } = await recordingConsumer('notifier', 'n1');
      await bus.publish(TOPIC, triggers(10, 1));
      await bus.publish(TOPIC, triggers(5, 11));

      await waitFor(() => handled.length === 15);
      expect(idsOf(handled)).toEqual(triggers(15).map((t) => t.triggerId));
    });

    it('keeps messages published before the first consumer existed', async () => {
      await bus.publish(TOPIC, triggers(3));
      expect(await bus.stats(TOPIC, 'notifier')).toEqual({ pending: 0, lag: 3 });

      const { handled } = await recordingConsumer('notifier', 'n1');

      await waitFor(() => handled.length === 3);
      expect(idsOf(handled)).toEqual(['trigger-1', 'trigger-2', 'trigger-3']);
    });

    it('acknowledges a message once its handler resolves', async () => {
      const { handled } = await recordingConsumer('notifier', 'n1');
      await bus.publish(TOPIC, triggers(2));

      await waitFor(() => handled.length === 2);
      await waitFor(async () => (await bus.stats(TOPIC, 'notifier')).pending === 0);
      expect(await bus.stats(TOPIC, 'notifier')).toEqual({ pending: 0, lag: 0 });
    });

    it('delivers a message again, counted, when its handler throws', async () => {
      const { handled } = await recordingConsumer('notifier', 'n1', async (delivery) => {
        if (delivery.deliveryCount === 1) throw new Error('exchange unavailable');
      });
      await bus.publish(TOPIC, [trigger(1)]);

      await waitFor(() => handled.length === 2);
      expect(handled.map((d) => d.deliveryCount)).toEqual([1, 2]);
      expect(handled[1].id).toBe(handled[0].id);
      await waitFor(async () => (await bus.stats(TOPIC, 'notifier')).pending === 0);
    });

    it('moves a message to the dead letters after maxDeliveries failures, and stops delivering it', async () => {
      const { handled } = await recordingConsumer('notifier', 'n1', async (delivery) => {
        if (delivery.payload.triggerId === 'trigger-1') throw new Error(`rejected, attempt ${delivery.deliveryCount}`);
      });
      await bus.publish(TOPIC, [trigger(1)]);

      await waitFor(async () => (await bus.deadLetters(TOPIC, 10)).length === 1);
      const [dead] = await bus.deadLetters(TOPIC, 10);
      expect(dead).toMatchObject({
        topic: TOPIC,
        originalId: handled[0].id,
        payload: trigger(1),
        deliveries: CONTRACT_MAX_DELIVERIES,
        lastError: `rejected, attempt ${CONTRACT_MAX_DELIVERIES}`,
      });
      expect(Number.isNaN(Date.parse(dead.deadAt))).toBe(false);
      expect(await bus.stats(TOPIC, 'notifier')).toEqual({ pending: 0, lag: 0 });

      // Nothing pending means nothing left to redeliver; a later message still flows past it.
      await bus.publish(TOPIC, [trigger(2)]);
      await waitFor(() => handled.some((d) => d.payload.triggerId === 'trigger-2'));
      expect(idsOf(handled)).toEqual(['trigger-1', 'trigger-1', 'trigger-1', 'trigger-2']);
    });

    it('splits messages between the consumers of one group, each handled once', async () => {
      const firstInHand = deferred();
      const work = (d: Delivery<TriggerFiredV1>) => (d.payload.triggerId === 'trigger-1' ? firstInHand.promise : sleep(1));
      const a = await recordingConsumer('notifier', 'a', work);
      const b = await recordingConsumer('notifier', 'b', work);
      await bus.publish(TOPIC, [trigger(1)]);
      await waitFor(() => a.handled.length + b.handled.length === 1);

      // While one consumer is busy, the other one takes the next message.
      await bus.publish(TOPIC, [trigger(2)]);
      await waitFor(() => a.handled.length === 1 && b.handled.length === 1);
      firstInHand.resolve();
      await bus.publish(TOPIC, triggers(18, 3));

      await waitFor(() => a.handled.length + b.handled.length >= 20);
      await waitFor(async () => (await bus.stats(TOPIC, 'notifier')).pending === 0);
      const all = [...idsOf(a.handled), ...idsOf(b.handled)];
      expect(all).toHaveLength(20);
      expect(new Set(all).size).toBe(20);
    });

    it('gives every message to each group', async () => {
      const notifier = await recordingConsumer('notifier', 'n1');
      const audit = await recordingConsumer('audit', 'a1');
      await bus.publish(TOPIC, triggers(5));

      await waitFor(() => notifier.handled.length === 5 && audit.handled.length === 5);
      expect(idsOf(notifier.handled)).toEqual(idsOf(audit.handled));
    });

    it('hands the message of a consumer stopped mid-work to another consumer of the group', async () => {
      const work = deferred();
      const first = await recordingConsumer('notifier', 'first', () => work.promise);
      await bus.publish(TOPIC, [trigger(1)]);
      await waitFor(() => first.handled.length === 1);

      const stopping = first.consumer.stop();
      const second = await recordingConsumer('notifier', 'second');
      await waitFor(() => second.handled.length === 1);
      expect(second.handled[0]).toMatchObject({ id: first.handled[0].id, deliveryCount: 2 });

      // The stopped consumer takes nothing new; the one still running does.
      await bus.publish(TOPIC, [trigger(2)]);
      await waitFor(() => second.handled.length === 2);
      work.resolve();
      await stopping;
      expect(idsOf(first.handled)).toEqual(['trigger-1']);
      await waitFor(async () => (await bus.stats(TOPIC, 'notifier')).pending === 0);
    });
  });
}
