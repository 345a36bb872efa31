import { ManualClock } from '../src/clock/index.js';
import { EvaluationService } from '../src/evaluator/index.js';
import { SimulatedMarketData } from '../src/market-data/simulated.market-data.js';
import { startBenchApp, type BenchApp } from './support/bench-app.js';
import { benchConditions, insertBots, insertConditions, MINUTE, ORIGIN } from './support/fixtures.js';
import { connect, REDIS_URL, withIsolatedServers } from './support/infra.js';
import { buildRuntimes, candlesOf } from './support/runtimes.js';
import { fmt, measure, summarize } from './support/stats.js';
import { advanceAndTick, alternatingTicks, QUIET_RELAY } from './support/ticks.js';
import { atMost, info, type Benchmark } from './support/types.js';

const WARMUP = 500;

/** Incremental indicators: a tick after a long history must cost what a tick after a short one does. */
export const incrementalIndicators: Benchmark = {
  id: 'incremental-indicators',
  title: 'Incremental indicators',
  async run({ smoke, log }) {
    const size = smoke
      ? { series: 2, perSeries: 5, short: 100, long: 400, reps: 4, pureWindow: 50 }
      : { series: 5, perSeries: 10, short: 500, long: 10_000, reps: 21, pureWindow: 300 };
    const conditions = benchConditions(size.series, size.perSeries);

    // In memory: SeriesRuntime.apply per candle, after `short` and after `long` candles.
    const market = new SimulatedMarketData({ seed: 42 });
    const runtimes = buildRuntimes(conditions, WARMUP);
    const candles = await Promise.all(runtimes.map(({ symbol }) => candlesOf(market, symbol, ORIGIN, size.long + size.pureWindow)));
    const applyWindow = async (from: number) => {
      const { cpuMs } = await measure(() => {
        for (let i = from; i < from + size.pureWindow; i++) runtimes.forEach(({ runtime }, s) => runtime.apply(candles[s][i]));
      });
      return cpuMs / size.pureWindow;
    };
    for (let i = 0; i < size.short; i++) runtimes.forEach(({ runtime }, s) => runtime.apply(candles[s][i]));
    const pureShort = await applyWindow(size.short);
    for (let i = size.short + size.pureWindow; i < size.long; i++) runtimes.forEach(({ runtime }, s) => runtime.apply(candles[s][i]));
    const pureLong = await applyWindow(size.long);
    log(`  in memory: ${fmt(pureShort * 1000)} µs per candle after ${size.short}, ${fmt(pureLong * 1000)} µs after ${size.long}`);

    const startSide = async (url: string, prefix: string) => {
      const clock = new ManualClock(ORIGIN);
      const app = await startBenchApp(
        { DATABASE_URL: url, REDIS_URL, REDIS_KEY_PREFIX: prefix, MARKET_DATA_SOURCE: 'simulated', EVALUATOR_WARMUP_CANDLES: String(WARMUP) },
        clock,
        [QUIET_RELAY],
      );
      const db = await connect(url);
      try {
        const conditionIds = await insertConditions(db, conditions);
        await insertBots(db, { from: 0, to: bots - 1, seriesCount: size.series, perSeries: size.perSeries, conditionIds, conditionsPerBot: 2 });
      } finally {
        await db.end();
      }
      return { app, clock, evaluation: app.get(EvaluationService) };
    };
    const bots = size.series * size.perSeries;

    return withIsolatedServers('incremental_short', (shortDb, shortPrefix) =>
      withIsolatedServers('incremental_long', async (longDb, longPrefix) => {
        const apps: BenchApp[] = [];
        try {
          // Two apps on two databases, registered at ORIGIN: one is brought to `short` candles of history, the other to
          // `long` (one catch-up tick), then both are ticked in turns.
          const short = await startSide(shortDb.url, shortPrefix);
          apps.push(short.app);
          const long = await startSide(longDb.url, longPrefix);
          apps.push(long.app);
          short.clock.set(ORIGIN + (size.short - 3) * MINUTE);
          await short.evaluation.tick();
          long.clock.set(ORIGIN + (size.long - 3) * MINUTE);
          const catchUp = await measure(() => long.evaluation.tick());
          for (const side of [short, long]) await advanceAndTick(side.evaluation, side.clock, 2);
          const ticks = await alternatingTicks(short, long, size.reps);
          const shortTick = summarize(ticks.a);
          const longTick = summarize(ticks.b);
          log(`  tick after ${size.short} candles ${fmt(shortTick.wallMs)} ms, after ${size.long} ${fmt(longTick.wallMs)} ms`);
          const db = await connect(longDb.url);
          const logRows = (await db.query(`SELECT count(*)::int AS n FROM condition_evaluations`)).rows[0].n as number;
          await db.end();
          const shortLabel = size.short.toLocaleString('en-US');
          const longLabel = size.long.toLocaleString('en-US');
          return {
            figures: [
              info(`tick after ${shortLabel} candles (median wall)`, shortTick.wallMs, 'ms'),
              info(`tick after ${longLabel} candles (median wall)`, longTick.wallMs, 'ms'),
              atMost(`tick after ${longLabel} ÷ after ${shortLabel} candles (wall)`, longTick.wallMs / shortTick.wallMs, '×', 1.2, '≤ 1.2×'),
              info("same ratio on the app process's CPU", longTick.cpuMs / shortTick.cpuMs, '×'),
              info('same ratio, evaluation in memory only (CPU per candle)', pureLong / pureShort, '×'),
            ],
            notes: [
              `${conditions.length} distinct conditions on ${size.series} simulated 1m series, ${bots} bots; warm-up ${WARMUP} candles. Two apps in this process on ` +
                `two databases, one with ${shortLabel} candles of history and one with ${longLabel}, ticked in turns (A B, B A, …), one new candle per series each; ` +
                `median of ${size.reps} ticks each (min–max ${fmt(shortTick.wallMin)}–${fmt(shortTick.wallMax)} ms and ${fmt(longTick.wallMin)}–${fmt(longTick.wallMax)} ms).`,
              `The long side caught up ${(size.long - size.short).toLocaleString('en-US')} more candles per series in one tick (${fmt(catchUp.wallMs / 1000)} s); ` +
                `its evaluation log then held ${logRows.toLocaleString('en-US')} rows, so its ticks also write to bigger tables.`,
              `In memory: CPU of SeriesRuntime.apply over ${size.pureWindow} candles per series right after ${shortLabel} and after ${longLabel} candles ` +
                `(${fmt(pureShort * 1000)} and ${fmt(pureLong * 1000)} µs per candle for all ${size.series} series).`,
            ],
          };
        } finally {
          for (const app of apps) await app.close();
        }
      }),
    );
  },
};
