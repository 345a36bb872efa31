import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/clock/index.js';
import type { TriggerFiredV1 } from '../src/event-bus/index.js';
import { ExecutorTicker } from '../src/executors/index.js';
import { MarketDataSource } from '../src/market-data/index.js';
import { TriggerRouter } from '../src/notifier/index.js';
import { OrderPlacer } from '../src/trading/index.js';
import { startBenchApp, type BenchApp } from './support/bench-app.js';
import { rawInsertBaseline, type TableRows } from './support/copy-baseline.js';
import { benchConditions, insertBots, insertConditions, MINUTE, ORIGIN } from './support/fixtures.js';
import { connect, REDIS_URL, withIsolatedServers } from './support/infra.js';
import { countQueries } from './support/query-counter.js';
import { fmt, measure } from './support/stats.js';
import { atLeast, info, type Benchmark } from './support/types.js';

/** The rows a trigger's executions write: the router's transaction, then the order's placement on the paper exchange. */
const ROUTE_ROWS: TableRows[] = [
  { table: 'deliveries', where: 'trigger_id = $1' },
  { table: 'deals', where: 'trigger_id = $1' },
  { table: 'orders', where: 'trigger_id = $1' },
  { table: 'deal_events', where: 'deal_id IN (SELECT id FROM deals WHERE trigger_id = $1)' },
];
const PAPER_ROWS: TableRows[] = [
  { table: 'paper_orders', where: 'client_order_id IN (SELECT client_order_id FROM orders WHERE trigger_id = $1)' },
  { table: 'paper_fills', where: 'order_id IN (SELECT p.id FROM paper_orders p JOIN orders o ON o.client_order_id = p.client_order_id WHERE o.trigger_id = $1)' },
  { table: 'fills', where: 'order_id IN (SELECT id FROM orders WHERE trigger_id = $1)' },
];

/** A trigger of `conditionId` recorded as already published (the relay leaves it alone), and its event. */
async function recordTrigger(db: Client, conditionId: string, key: string, candle: number, close: number): Promise<TriggerFiredV1> {
  const trigger: TriggerFiredV1 = {
    triggerId: randomUUID(), conditionId, conditionKey: key,
    candleOpenTime: candle, candleCloseTime: candle + MINUTE, values: { lhs: 25, rhs: 30, close },
  };
  await db.query(
    `INSERT INTO triggers (id, condition_id, candle_open_time, candle_close_time, "values", published_at) VALUES ($1, $2, $3, $4, $5, now())`,
    [trigger.triggerId, conditionId, new Date(trigger.candleOpenTime), new Date(trigger.candleCloseTime), trigger.values],
  );
  return trigger;
}

/** Routes the trigger and waits until every order it made has been placed on the paper exchange and recorded. */
async function execute(app: BenchApp, trigger: TriggerFiredV1) {
  const route = await measure(() => app.get(TriggerRouter).route(trigger));
  const routedAt = Date.now();
  const settleStart = performance.now();
  await app.get(ExecutorTicker).settle();
  await app.get(OrderPlacer).idle();
  return { route, routedAt, endToEndMs: route.wallMs + (performance.now() - settleStart) };
}

/**
 * Bots per second in the route's first and last transaction. A delivery's created_at is its transaction's start (the
 * same clock as Date.now() here: server and benchmark share the machine); a transaction ends when the next starts,
 * the last when route() resolved.
 */
async function transactionPaces(db: Client, triggerId: string, routedAt: number) {
  const rows: { at: Date; n: number }[] = (await db.query(
    `SELECT created_at AS at, count(*)::int AS n FROM deliveries WHERE trigger_id = $1 GROUP BY created_at ORDER BY created_at`, [triggerId],
  )).rows;
  const pace = (i: number) => rows[i].n / (Math.max(1, (i + 1 < rows.length ? rows[i + 1].at.getTime() : routedAt) - rows[i].at.getTime()) / 1000);
  return { transactions: rows.length, first: pace(0), firstSize: rows[0].n, last: pace(rows.length - 1), lastSize: rows[rows.length - 1].n };
}

/** Notifier throughput: one trigger routed to N subscribed DCA bots trading on the paper exchange. */
export const notifierThroughput: Benchmark = {
  id: 'notifier-throughput',
  title: 'Notifier throughput',
  async run({ smoke, log }) {
    const size = smoke ? { bots: 20, warmBots: 5 } : { bots: 2_000, warmBots: 200 };
    return withIsolatedServers('notifier', async (database, prefix) => {
      const clock = new ManualClock(ORIGIN + 10 * MINUTE);
      const app = await startBenchApp(
        { DATABASE_URL: database.url, REDIS_URL, REDIS_KEY_PREFIX: prefix, MARKET_DATA_SOURCE: 'simulated', PAPER_BALANCES: 'USDT=1000000000' },
        clock,
      );
      const db = await connect(database.url);
      try {
        const [warm, main] = benchConditions(1, 2);
        const [warmId, mainId] = await insertConditions(db, [warm, main]);
        // Bots 0.. on the main condition, the rest on the warm-up one (bot g takes condition (g / 1 + 0) % 2 → even/odd).
        await insertBots(db, { from: 0, to: 2 * size.bots - 1, seriesCount: 1, perSeries: 2, conditionIds: [mainId, warmId], conditionsPerBot: 1 });
        // Only `warmBots` on the warm-up condition are kept: enough to warm the code paths up.
        await db.query(
          `DELETE FROM bots WHERE id IN (SELECT bot_id FROM subscriptions WHERE condition_id = $1 OFFSET $2)`,
          [warmId, size.warmBots],
        );
        const price = (await app.get(MarketDataSource).lastPrice('paper', main.symbol, ORIGIN + 9 * MINUTE)) ?? 1;

        await execute(app, await recordTrigger(db, warmId, warm.key, ORIGIN + 7 * MINUTE, price));
        const trigger = await recordTrigger(db, mainId, main.key, ORIGIN + 8 * MINUTE, price);
        const queries = countQueries(app.get(DataSource));
        queries.enabled = true;
        const { route, routedAt, endToEndMs } = await execute(app, trigger);
        queries.enabled = false;

        const outcomes = (await db.query(`SELECT outcome, count(*)::int AS n FROM deliveries WHERE trigger_id = $1 GROUP BY outcome`, [trigger.triggerId])).rows;
        const executed = outcomes.find((o) => o.outcome === 'executed')?.n ?? 0;
        const filled = (await db.query(`SELECT count(*)::int AS n FROM orders WHERE trigger_id = $1 AND status = 'filled'`, [trigger.triggerId])).rows[0].n;
        if (executed !== size.bots) throw new Error(`expected ${size.bots} executed deliveries, got ${JSON.stringify(outcomes)}`);
        log(`  route: ${fmt(size.bots / (route.wallMs / 1000))} executions/s; end to end ${fmt(size.bots / (endToEndMs / 1000))}/s; ${queries.count} statements`);

        const paces = await transactionPaces(db, trigger.triggerId, routedAt);
        const routeBaseline = await rawInsertBaseline(db, ROUTE_ROWS, trigger.triggerId);
        const allBaseline = await rawInsertBaseline(db, [...ROUTE_ROWS, ...PAPER_ROWS], trigger.triggerId);
        const routeRate = size.bots / (route.wallMs / 1000);
        const endToEndRate = size.bots / (endToEndMs / 1000);
        const routeBaselineRate = size.bots / (routeBaseline.ms / 1000);
        const allBaselineRate = size.bots / (allBaseline.ms / 1000);
        const top = [...queries.byKind.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 10);

        return {
          figures: [
            atLeast('bot executions per second, routed (decision + durable writes committed)', routeRate, '/s', 5_000, '≥ 5,000/s'),
            atLeast('bot executions per second, end to end (order placed and filled on the paper exchange)', endToEndRate, '/s', 5_000, '≥ 5,000/s'),
            info('raw multi-row INSERT baseline of the routed rows', routeBaselineRate, 'bots/s'),
            atLeast('routed rate ÷ its raw baseline', (100 * routeRate) / routeBaselineRate, '%', 25, '≥ 25%'),
            info('raw baseline of all rows incl. the paper exchange', allBaselineRate, 'bots/s'),
            atLeast('end-to-end rate ÷ its raw baseline', (100 * endToEndRate) / allBaselineRate, '%', 25, '≥ 25%'),
            info('SQL statements per bot execution (route and placement)', queries.count / size.bots, ''),
            info('routing transactions (chunks of recipients)', paces.transactions, ''),
            info(`routing pace in the route's first transaction (${paces.firstSize} bots)`, paces.first, '/s'),
            info(`routing pace in the route's last transaction (${paces.lastSize} bots)`, paces.last, '/s'),
          ],
          notes: [
            `One trigger routed by TriggerRouter.route to ${size.bots.toLocaleString('en-US')} running DCA bots subscribed to its condition (market base order of 10 USDT, ` +
              `default paper account with ample balance), after a warm-up trigger to ${size.warmBots} other bots. Routed: route() resolved, i.e. every bot's delivery ` +
              `(the dedupe key), risk check, deal, pending order and deal event committed (${fmt(route.wallMs)} ms). End to end: until the order placer and the ` +
              `executors are idle, every base order placed and filled on the paper exchange, its fill recorded on the deal and the deal active (${fmt(endToEndMs)} ms; ` +
              `${filled} orders filled). Placement runs concurrently with routing, as in the app: each routing transaction's orders are sent once it commits. ` +
              `The pace of a routing transaction runs from its start to the next one's (or to route()'s end): it shows whether routing slows down as open deals pile up.`,
            `Baselines: the rows the run wrote, read back and inserted again with multi-row INSERTs (≤ 1,000 rows each) into empty copies of their tables ` +
              `without foreign keys, best of two: ${routeBaseline.rows.toLocaleString('en-US')} routed rows (deliveries, deals, orders, deal events) in ${fmt(routeBaseline.ms)} ms; ` +
              `${allBaseline.rows.toLocaleString('en-US')} rows with paper orders, paper fills and fills in ${fmt(allBaseline.ms)} ms.`,
            `Statements during the measured run: ${queries.count.toLocaleString('en-US')} (${fmt(queries.count / size.bots)} per bot), awaited for ${fmt(queries.ms)} ms in total ` +
              `(they overlap: routing and placement run side by side). Node CPU during route(): ${fmt(route.cpuMs)} ms of ${fmt(route.wallMs)} ms. Heaviest statement kinds: ` +
              top.map(([kind, s]) => `\`${kind}\` ×${s.count} (${fmt(s.ms)} ms)`).join('; ') + '.',
          ],
        };
      } finally {
        await app.close();
        await db.end();
      }
    });
  },
};
