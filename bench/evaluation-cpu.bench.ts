import { DataSource } from 'typeorm';
import { ManualClock } from '../src/clock/index.js';
import { EvaluationService } from '../src/evaluator/index.js';
import { SimulatedMarketData } from '../src/market-data/simulated.market-data.js';
import { startBenchApp } from './support/bench-app.js';
import { benchConditions, insertBots, insertConditions, ORIGIN } from './support/fixtures.js';
import { connect, REDIS_URL, withIsolatedServers } from './support/infra.js';
import { countQueries } from './support/query-counter.js';
import { buildRuntimes, candlesOf } from './support/runtimes.js';
import { fmt, measure, median, summarize } from './support/stats.js';
import { advanceAndTick, measuredTicks, QUIET_RELAY } from './support/ticks.js';
import { atMost, info, type Benchmark } from './support/types.js';

const WARMUP = 500;

/** Evaluation CPU: distinct conditions evaluated on one new candle each, in memory; and the full tick with its database work. */
export const evaluationCpu: Benchmark = {
  id: 'evaluation-cpu',
  title: 'Evaluation CPU',
  async run({ smoke, log }) {
    const size = smoke ? { series: 4, perSeries: 25, reps: 3 } : { series: 100, perSeries: 100, reps: 15 };
    const conditions = benchConditions(size.series, size.perSeries);
    const count = conditions.length;

    const market = new SimulatedMarketData({ seed: 42 });
    const runtimes = buildRuntimes(conditions, WARMUP);
    const candles = await Promise.all(runtimes.map(({ symbol }) => candlesOf(market, symbol, ORIGIN, WARMUP + size.reps + 1)));
    runtimes.forEach(({ runtime }, s) => {
      for (let i = 0; i < WARMUP; i++) runtime.warmUp(candles[s][i]);
      runtime.apply(candles[s][WARMUP]);
    });
    const pure: number[] = [];
    const pureWall: number[] = [];
    let evaluated = 0;
    for (let rep = 1; rep <= size.reps; rep++) {
      const sample = await measure(() => {
        let n = 0;
        runtimes.forEach(({ runtime }, s) => (n += runtime.apply(candles[s][WARMUP + rep]).length));
        return n;
      });
      pure.push(sample.cpuMs);
      pureWall.push(sample.wallMs);
      evaluated = sample.result;
    }
    log(`  ${evaluated} conditions in memory: ${fmt(median(pure))} ms CPU`);

    return withIsolatedServers('eval_cpu', async (database, prefix) => {
      const clock = new ManualClock(ORIGIN);
      const app = await startBenchApp(
        { DATABASE_URL: database.url, REDIS_URL, REDIS_KEY_PREFIX: prefix, MARKET_DATA_SOURCE: 'simulated', EVALUATOR_WARMUP_CANDLES: String(WARMUP) },
        clock,
        [QUIET_RELAY],
      );
      const db = await connect(database.url);
      try {
        const conditionIds = await insertConditions(db, conditions);
        await insertBots(db, { from: 0, to: count - 1, seriesCount: size.series, perSeries: size.perSeries, conditionIds, conditionsPerBot: 1 });
        const evaluation = app.get(EvaluationService);
        await advanceAndTick(evaluation, clock, 3);
        const queries = countQueries(app.get(DataSource));
        queries.enabled = true;
        const ticks = await measuredTicks(evaluation, clock, Math.min(size.reps, 9));
        queries.enabled = false;
        const perTick = (ms: number) => ms / ticks.samples.length;
        const heaviest = [...queries.byKind.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 5);
        const tick = summarize(ticks.samples);
        log(`  full tick: ${fmt(tick.wallMs)} ms wall, ${fmt(tick.cpuMs)} ms CPU of this process`);
        return {
          figures: [
            atMost(`${count.toLocaleString('en-US')} conditions, one new candle each: CPU in memory (median)`, median(pure), 'ms', 30, '≤ 30 ms'),
            info('same, wall time', median(pureWall), 'ms'),
            info(`full tick with ${count.toLocaleString('en-US')} conditions, incl. Postgres (median wall)`, tick.wallMs, 'ms'),
            info('full tick, CPU of the app process (median)', tick.cpuMs, 'ms'),
          ],
          notes: [
            `${count.toLocaleString('en-US')} distinct conditions on ${size.series} simulated 1m series (${size.perSeries} per series, sharing RSI, EMA, SMA, MACD and ` +
              `Bollinger instances), warmed up on ${WARMUP} candles. In memory: process.cpuUsage() around SeriesRuntime.apply of one new candle ` +
              `on every series (indicator updates, comparisons, the evaluation records); median of ${size.reps} candles.`,
            `Full tick: EvaluationService.tick() on the app with ${count.toLocaleString('en-US')} subscribed conditions (one bot each), median of ` +
              `${ticks.samples.length} ticks (min–max ${fmt(tick.wallMin)}–${fmt(tick.wallMax)} ms): reads the subscribed conditions, renews leases, ` +
              'fetches one candle per series, evaluates, and commits cursors, the evaluation log and triggers. Its CPU figure is the Node process only; ' +
              "PostgreSQL's work runs in its own processes and shows in the wall time.",
            `Where a full tick's time goes (mean per tick): ${fmt(queries.count / ticks.samples.length)} statements awaited for ${fmt(perTick(queries.ms))} ms; ` +
              heaviest.map(([kind, q]) => `\`${kind}\` ${fmt(perTick(q.ms))} ms`).join('; ') + '.',
          ],
        };
      } finally {
        await app.close();
        await db.end();
      }
    });
  },
};
