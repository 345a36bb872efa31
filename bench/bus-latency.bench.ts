import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations/index.js';
import { AppConfig } from '../src/config/index.js';
import type { TriggerFiredV1 } from '../src/event-bus/index.js';
import { RedisStreamsEventBus } from '../src/event-bus/redis-streams.event-bus.js';
import { Metrics } from '../src/metrics/index.js';
import { TriggerRelay } from '../src/triggers/index.js';
import { ORIGIN } from './support/fixtures.js';
import { REDIS_URL, withIsolatedServers } from './support/infra.js';
import { countQueries } from './support/query-counter.js';
import { fmt, percentile, sleep } from './support/stats.js';
import { atMost, info, type Benchmark, type Figure } from './support/types.js';

const quietLogger = { warnings: 0, log: () => undefined, warn() { this.warnings++; }, error() { this.warnings++; } };

interface PacedRun {
  latencies: number[];
  sent: number;
  received: number;
  achievedRate: number;
}

/**
 * Sends `total` messages at `rate` per second through `send` (which reports, per message id, when it counts as
 * sent), and collects each message's latency to `arrived`. The first `warmup` messages are not counted.
 */
async function paced(
  rate: number,
  total: number,
  warmup: number,
  send: (ids: string[]) => Promise<void>,
  arrivals: { onArrive?: (id: string, at: number) => void },
  sentAt: Map<string, number>,
): Promise<PacedRun> {
  const latencies: number[] = [];
  const index = new Map<string, number>();
  let received = 0;
  arrivals.onArrive = (id, at) => {
    received++;
    const sent = sentAt.get(id);
    if (sent !== undefined && (index.get(id) ?? 0) >= warmup) latencies.push(at - sent);
  };
  const start = performance.now();
  let next = 0;
  while (next < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    if (due <= next) {
      await sleep(1);
      continue;
    }
    const ids: string[] = [];
    for (; next < due; next++) {
      const id = randomUUID();
      index.set(id, next);
      ids.push(id);
    }
    await send(ids);
  }
  const elapsed = (performance.now() - start) / 1000;
  const deadline = Date.now() + 30_000;
  while (received < total && Date.now() < deadline) await sleep(5);
  return { latencies, sent: total, received, achievedRate: total / elapsed };
}

const payload = (triggerId: string, i: number): TriggerFiredV1 => ({
  triggerId,
  conditionId: '00000000-0000-4000-8000-000000000001',
  conditionKey: 'paper:BTC/USDT:1m|rsi(period=14) lt 30',
  candleOpenTime: ORIGIN + i * 60_000,
  candleCloseTime: ORIGIN + (i + 1) * 60_000,
  values: { lhs: 29.5, rhs: 30, close: 42_000 },
});

/** Bus latency on real Redis: publish → handler start, and trigger row committed → handler start through the outbox relay. */
export const busLatency: Benchmark = {
  id: 'bus-latency',
  title: 'Bus latency',
  async run({ smoke, log }) {
    const size = smoke ? { rate: 500, seconds: 0.6, warmupSeconds: 0.2 } : { rate: 5_000, seconds: 10, warmupSeconds: 1 };
    const total = Math.round(size.rate * (size.seconds + size.warmupSeconds));
    const warmup = Math.round(size.rate * size.warmupSeconds);
    // The relay logs through Nest's static logger: keep its debug lines out of the benchmark's output.
    Logger.overrideLogger(['error', 'fatal']);
    return withIsolatedServers('bus', async (database, prefix) => {
      const bus = new RedisStreamsEventBus({ url: REDIS_URL, keyPrefix: prefix, claimIdleMs: 30_000, maxDeliveries: 5, logger: quietLogger });
      const arrivals: { onArrive?: (id: string, at: number) => void } = {};
      const consumer = await bus.consume('trigger.fired', { group: 'notifier', consumer: 'bench' }, async (delivery) => {
        arrivals.onArrive?.(delivery.payload.triggerId, performance.now());
      });
      const db = new DataSource({ type: 'postgres', url: database.url, migrations: MIGRATIONS, migrationsTransactionMode: 'each', extra: { max: 20 } });
      try {
        // 1. The bus alone: each message is stamped when publish() is called.
        const sentAt = new Map<string, number>();
        let i = 0;
        const direct = await paced(size.rate, total, warmup, async (ids) => {
          const at = performance.now();
          for (const id of ids) sentAt.set(id, at);
          await bus.publish('trigger.fired', ids.map((id) => payload(id, i++)));
        }, arrivals, sentAt);
        log(`  bus: p50 ${fmt(percentile(direct.latencies, 50))} ms, p99 ${fmt(percentile(direct.latencies, 99))} ms at ${fmt(direct.achievedRate)}/s`);
        const halfRate = size.rate / 2;
        const half = await paced(halfRate, Math.round(total / 2), Math.round(warmup / 2), async (ids) => {
          const at = performance.now();
          for (const id of ids) sentAt.set(id, at);
          await bus.publish('trigger.fired', ids.map((id) => payload(id, i++)));
        }, arrivals, sentAt);
        log(`  bus at ${fmt(halfRate)}/s: p50 ${fmt(percentile(half.latencies, 50))} ms, p99 ${fmt(percentile(half.latencies, 99))} ms`);

        // The consumer's capacity: a backlog published at once, drained as fast as the consumer goes.
        const backlog = Math.round(total / 2);
        let drained = 0;
        let first = 0;
        let last = 0;
        arrivals.onArrive = (_id, at) => {
          if (drained++ === 0) first = at;
          last = at;
        };
        const burst = Array.from({ length: backlog }, () => randomUUID());
        for (let from = 0; from < backlog; from += 1000) await bus.publish('trigger.fired', burst.slice(from, from + 1000).map((id) => payload(id, i++)));
        const drainDeadline = performance.now() + 60_000;
        while (drained < backlog && performance.now() < drainDeadline) await sleep(2);
        const capacity = (drained - 1) / ((last - first) / 1000);
        log(`  consumer capacity: ${fmt(capacity)} messages/s`);

        // 2. The outbox path: trigger rows committed in Postgres, then handed to the app's TriggerRelay as the evaluator
        // does (publishCommitted), consumed from Redis. Stamped when the INSERT's commit is acknowledged. Then the same
        // with a relay pass only (kick after each commit, as the signals do and as the safety net runs).
        await db.initialize();
        await db.runMigrations();
        const [condition] = await db.query(
          `INSERT INTO conditions (key, exchange, symbol, timeframe, definition, registered_at) VALUES ('bench', 'paper', 'BTC/USDT', '1m', '{}', now()) RETURNING id`,
        );
        const relay = new TriggerRelay(db, bus, AppConfig.fromEnv({ LOG_LEVEL: 'error' }), new Metrics());
        // As at the app's start: a first pass finds the outbox empty, so that commits are published directly.
        await relay.drain();
        const statements = countQueries(db);
        const committedAt = new Map<string, number>();
        let candle = 0;
        const commitTriggers = async (ids: string[]): Promise<TriggerFiredV1[]> => {
          const opens = ids.map(() => ORIGIN + candle++ * 60_000);
          await db.query(
            `INSERT INTO triggers (id, condition_id, candle_open_time, candle_close_time, "values")
             SELECT id, $2, open, open + interval '1 minute', '{"lhs": 29.5, "rhs": 30, "close": 42000}'::jsonb
             FROM unnest($1::uuid[], $3::timestamptz[]) AS x(id, open)`,
            [ids, condition.id, opens.map((open) => new Date(open))],
          );
          const at = performance.now();
          for (const id of ids) committedAt.set(id, at);
          return ids.map((id, k) => ({ ...payload(id, 0), candleOpenTime: opens[k], candleCloseTime: opens[k] + 60_000, conditionId: condition.id }));
        };
        const outbox = await paced(size.rate, total, warmup, async (ids) => relay.publishCommitted(await commitTriggers(ids)), arrivals, committedAt);
        await relay.drain();
        log(`  outbox: p50 ${fmt(percentile(outbox.latencies, 50))} ms, p99 ${fmt(percentile(outbox.latencies, 99))} ms at ${fmt(outbox.achievedRate)}/s`);

        statements.enabled = true;
        const passes = await paced(size.rate, total, warmup, async (ids) => {
          await commitTriggers(ids);
          void relay.kick();
        }, arrivals, committedAt);
        await relay.onApplicationShutdown();
        statements.enabled = false;
        log(`  relay passes only: p50 ${fmt(percentile(passes.latencies, 50))} ms, p99 ${fmt(percentile(passes.latencies, 99))} ms at ${fmt(passes.achievedRate)}/s`);
        const passCount = statements.byKind.get('START TRANSACTION')?.count ?? 0;
        const relayStatements = [...statements.byKind]
          .filter(([kind]) => !kind.startsWith('INSERT INTO triggers'))
          .sort((a, b) => b[1].ms - a[1].ms)
          .map(([kind, { count, ms }]) => `\`${kind.slice(0, 60)}\` ×${count} (${fmt(ms / count)} ms each)`);
        log(`  relay: ${passCount} passes; ${relayStatements.join('; ')}`);

        const figures: Figure[] = [
          info('publish → handler start, p50', percentile(direct.latencies, 50), 'ms'),
          atMost(`publish → handler start, p99 at ${size.rate.toLocaleString('en-US')}/s`, percentile(direct.latencies, 99), 'ms', 5, '≤ 5 ms'),
          info('publish rate achieved', direct.achievedRate, '/s'),
          info(`publish → handler start, p99 at half the rate (${halfRate.toLocaleString('en-US')}/s)`, percentile(half.latencies, 99), 'ms'),
          info('consumer capacity (a backlog drained by the one consumer)', capacity, 'messages/s'),
          info('trigger committed → handler start (outbox, handed to the relay at commit), p50', percentile(outbox.latencies, 50), 'ms'),
          atMost(`trigger committed → handler start (outbox, handed to the relay at commit), p99 at ${size.rate.toLocaleString('en-US')}/s`, percentile(outbox.latencies, 99), 'ms', 5, '≤ 5 ms'),
          info('trigger commit rate achieved', outbox.achievedRate, '/s'),
          info('trigger committed → handler start through relay passes only (kick after each commit), p50', percentile(passes.latencies, 50), 'ms'),
          info(`trigger committed → handler start through relay passes only, p99 at ${size.rate.toLocaleString('en-US')}/s`, percentile(passes.latencies, 99), 'ms'),
        ];
        const lost = direct.sent - direct.received + outbox.sent - outbox.received + passes.sent - passes.received;
        return {
          figures,
          notes: [
            `RedisStreamsEventBus on the local Redis (consumer group, one consumer, the adapter's defaults: blocking reads of up to 100 entries, ` +
              `the entries handled in a read acknowledged with one XACK sent without waiting), ` +
              `in one process with the producer as in the app. ${total.toLocaleString('en-US')} messages paced at ${size.rate.toLocaleString('en-US')}/s ` +
              `(publish() called every millisecond or so with what is due); the first ${warmup.toLocaleString('en-US')} are not counted. ` +
              `Latency: from the publish() call to the start of the handler (where the notifier's router begins).`,
            `Outbox path: trigger rows inserted in Postgres at the same pace (one INSERT per millisecond or so), handed to ` +
              `TriggerRelay.publishCommitted() after each commit as the evaluator does (published at once, marked afterwards); ` +
              `latency from the commit's acknowledgement to the handler's start. ` +
              `p99 of ${outbox.latencies.length.toLocaleString('en-US')} messages; p99.9 ${fmt(percentile(outbox.latencies, 99.9))} ms, max ${fmt(Math.max(...outbox.latencies))} ms ` +
              `(bus alone: p99.9 ${fmt(percentile(direct.latencies, 99.9))} ms, max ${fmt(Math.max(...direct.latencies))} ms).`,
            `Relay passes only: the same commits followed by TriggerRelay.kick() instead (the path of signals, and the safety net): ` +
              `p50 ${fmt(percentile(passes.latencies, 50))} ms, p99 ${fmt(percentile(passes.latencies, 99))} ms; ` +
              `${passCount.toLocaleString('en-US')} passes, statements: ${relayStatements.join('; ')}.`,
            `Consumer capacity: ${backlog.toLocaleString('en-US')} messages published at once (pipelines of 1,000), drained by the same consumer; ` +
              'messages per second from the first arrival to the last.',
            ...(lost > 0 ? [`${lost} message(s) did not arrive within 30 s.`] : []),
            ...(quietLogger.warnings > 0 ? [`The bus logged ${quietLogger.warnings} warning(s).`] : []),
          ],
        };
      } finally {
        await consumer.stop().catch(() => undefined);
        await bus.close();
        if (db.isInitialized) await db.destroy();
      }
    });
  },
};
