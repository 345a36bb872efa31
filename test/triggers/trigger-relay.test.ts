import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Logger } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { MIGRATIONS } from '../../migrations/index.js';
import { AppConfig } from '../../src/config/index.js';
import { EventBus, type BusEvents, type Topic, type TriggerFiredV1 } from '../../src/event-bus/index.js';
import { RedisStreamsEventBus } from '../../src/event-bus/redis-streams.event-bus.js';
import { Metrics } from '../../src/metrics/index.js';
import { TriggerRelay } from '../../src/triggers/index.js';
import { RecordingLogger } from '../event-bus/recording-logger.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { deleteKeysUnder, REDIS_URL, uniqueKeyPrefix } from '../support/redis.js';
import { waitFor } from '../support/wait-for.js';

const COMMITS = 60;
const PER_COMMIT = 20;

/** The Redis bus, with a fault the test can switch on: the next publication fails as if Redis were away. */
class FaultyBus extends EventBus {
  readonly durable = true;
  failNext = false;

  constructor(private readonly inner: RedisStreamsEventBus) {
    super();
  }

  async publish<K extends Topic>(topic: K, payloads: BusEvents[K][]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('Redis unavailable');
    }
    await this.inner.publish(topic, payloads);
  }

  consume: EventBus['consume'] = (topic, options, handler) => this.inner.consume(topic, options, handler);
  deadLetters: EventBus['deadLetters'] = (topic, limit) => this.inner.deadLetters(topic, limit);
  stats: EventBus['stats'] = (topic, group) => this.inner.stats(topic, group);
  close = () => this.inner.close();
}

/**
 * The relay on real Postgres and Redis. Triggers go out straight after their commit (the evaluator's hand-over) or
 * through passes; either way each goes out once, in the order it was recorded, and ends marked.
 */
describe('TriggerRelay', () => {
  let database: TestDatabase;
  let db: DataSource;
  let conditionId: string;
  let keyPrefix: string;
  let bus: FaultyBus;
  let relay: TriggerRelay;
  let handled: string[];
  let candle = 0;

  beforeAll(async () => {
    // The relay logs through Nest's static logger: its debug lines and the expected warning would only be noise here.
    Logger.overrideLogger(['error']);
    database = await createTestDatabase('relay');
    db = new DataSource({ type: 'postgres', url: database.url, migrations: MIGRATIONS, extra: { max: 10 } });
    await db.initialize();
    await db.runMigrations({ transaction: 'each' });
    [{ id: conditionId }] = await db.query(
      `INSERT INTO conditions (key, exchange, symbol, timeframe, definition, registered_at) VALUES ('relay', 'paper', 'BTC/USDT', '1m', '{}', now()) RETURNING id`,
    );
  });

  beforeEach(async () => {
    await db.query(`DELETE FROM triggers`);
    keyPrefix = uniqueKeyPrefix('relay');
    bus = new FaultyBus(new RedisStreamsEventBus({ url: REDIS_URL, keyPrefix, claimIdleMs: 30_000, maxDeliveries: 5, logger: new RecordingLogger() }));
    handled = [];
    await bus.consume('trigger.fired', { group: 'notifier', consumer: 'n1' }, async (d) => void handled.push(d.payload.triggerId));
    relay = new TriggerRelay(db, bus, AppConfig.fromEnv({ LOG_LEVEL: 'error' }), new Metrics());
  });

  afterEach(async () => {
    await relay.onApplicationShutdown();
    await bus.close();
    await deleteKeysUnder(keyPrefix);
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  /** Records `count` triggers in one transaction, as the evaluator does, and returns what it would hand over. */
  async function commitTriggers(count: number): Promise<TriggerFiredV1[]> {
    const triggers = Array.from({ length: count }, (): TriggerFiredV1 => {
      const open = Date.UTC(2024, 0, 1) + candle++ * 60_000;
      return { triggerId: randomUUID(), conditionId, conditionKey: 'relay', candleOpenTime: open, candleCloseTime: open + 60_000, values: {} };
    });
    await db.query(
      `INSERT INTO triggers (id, condition_id, candle_open_time, candle_close_time, "values")
       SELECT id, $2, open, open + interval '1 minute', '{}'::jsonb FROM unnest($1::uuid[], $3::timestamptz[]) AS x(id, open)`,
      [triggers.map((t) => t.triggerId), conditionId, triggers.map((t) => new Date(t.candleOpenTime))],
    );
    return triggers;
  }

  /** Every trigger recorded is marked published and was handled exactly once, in the order it was recorded. */
  async function expectAllOutOnceInOrder(): Promise<void> {
    const recorded: { id: string; published: boolean }[] = await db.query(`SELECT id, published_at IS NOT NULL AS published FROM triggers ORDER BY seq`);
    expect(recorded.every((row) => row.published)).toBe(true);
    await waitFor(() => handled.length >= recorded.length);
    expect(handled).toEqual(recorded.map((row) => row.id));
  }

  it('publishes what is handed over after each commit at once, without a pass, and marks it', async () => {
    await relay.drain();
    // A pass is a transaction; publishing what was handed over is not.
    const passes = vi.spyOn(db, 'transaction');
    for (let commit = 0; commit < COMMITS; commit++) relay.publishCommitted(await commitTriggers(PER_COMMIT));
    await waitFor(() => handled.length === COMMITS * PER_COMMIT);
    expect(passes).not.toHaveBeenCalled();
    passes.mockRestore();

    await relay.drain();
    await expectAllOutOnceInOrder();
  });

  it('publishes every trigger once, in order, when each commit only kicks a pass', async () => {
    for (let commit = 0; commit < COMMITS; commit++) {
      await commitTriggers(PER_COMMIT);
      void relay.kick();
    }
    await relay.drain();
    await expectAllOutOnceInOrder();
  });

  it('leaves triggers handed over before its first pass to that pass, older ones first', async () => {
    const older = await commitTriggers(5);
    relay.publishCommitted(await commitTriggers(5));
    await relay.drain();
    expect(handled.slice(0, 5)).toEqual(older.map((t) => t.triggerId));
    await expectAllOutOnceInOrder();
  });

  it('publishes through a pass, in order, what a failed direct publication left behind', async () => {
    await relay.drain();
    relay.publishCommitted(await commitTriggers(3));
    await waitFor(() => handled.length === 3);
    bus.failNext = true;
    relay.publishCommitted(await commitTriggers(3));
    // Not caught up any more: what follows waits for the pass, behind the triggers that failed.
    relay.publishCommitted(await commitTriggers(3));
    await relay.drain();
    await expectAllOutOnceInOrder();
  });
});
