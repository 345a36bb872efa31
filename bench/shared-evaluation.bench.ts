import { DataSource } from 'typeorm';
import { ManualClock } from '../src/clock/index.js';
import { EvaluationService } from '../src/evaluator/index.js';
import { MarketDataSource } from '../src/market-data/index.js';
import { SimulatedMarketData } from '../src/market-data/simulated.market-data.js';
import { startBenchApp, type BenchApp } from './support/bench-app.js';
import { benchConditions, insertBots, insertConditions, ORIGIN, type BenchCondition } from './support/fixtures.js';
import { connect, REDIS_URL, withIsolatedServers, type BenchDatabase } from './support/infra.js';
import { naiveTick, type NaiveBot } from './support/naive-evaluator.js';
import { countQueries, type QueryStats } from './support/query-counter.js';
import { fmt, measure, summarize } from './support/stats.js';
import { advanceAndTick, alternatingTicks, QUIET_RELAY, type TickTarget } from './support/ticks.js';
import { atLeast, atMost, info, type Benchmark } from './support/types.js';

const WARMUP = 500;
const CONDITIONS_PER_BOT = 2;

interface Side extends TickTarget {
  app: BenchApp;
}

/** An app on its own database with the conditions and `bots` bots (two entry conditions each, on the bot's series). */
async function sideWith(database: BenchDatabase, prefix: string, conditions: BenchCondition[], size: { series: number; perSeries: number }, bots: number): Promise<Side> {
  const clock = new ManualClock(ORIGIN);
  const app = await startBenchApp(
    { DATABASE_URL: database.url, REDIS_URL, REDIS_KEY_PREFIX: prefix, MARKET_DATA_SOURCE: 'simulated', EVALUATOR_WARMUP_CANDLES: String(WARMUP) },
    clock,
    [{ provide: MarketDataSource, useValue: new SimulatedMarketData({ seed: 42 }) }, QUIET_RELAY],
  );
  const db = await connect(database.url);
  try {
    const conditionIds = await insertConditions(db, conditions);
    await insertBots(db, { from: 0, to: bots - 1, seriesCount: size.series, perSeries: size.perSeries, conditionIds, conditionsPerBot: CONDITIONS_PER_BOT });
  } finally {
    await db.end();
  }
  return { app, clock, evaluation: app.get(EvaluationService) };
}

/** The statements whose mean time per tick differs most between the two sides. */
function statementDiff(few: QueryStats, many: QueryStats, ticks: number): string {
  const kinds = new Set([...few.byKind.keys(), ...many.byKind.keys()]);
  const rows = [...kinds].map((kind) => ({ kind, few: (few.byKind.get(kind)?.ms ?? 0) / ticks, many: (many.byKind.get(kind)?.ms ?? 0) / ticks }));
  rows.sort((a, b) => Math.abs(b.many - b.few) - Math.abs(a.many - a.few));
  const total = `all statements ${fmt(few.ms / ticks)} → ${fmt(many.ms / ticks)} ms`;
  return [total, ...rows.slice(0, 3).map((r) => `\`${r.kind.slice(0, 60)}…\` ${fmt(r.few)} → ${fmt(r.many)} ms`)].join('; ');
}

/**
 * Shared evaluation: the same conditions ticked with few and with many subscribed bots (two apps on two databases,
 * ticked in turns; the tick must not grow with bots), and against a naive evaluator that evaluates every bot's
 * conditions separately.
 */
export const sharedEvaluation: Benchmark = {
  id: 'shared-evaluation',
  title: 'Shared evaluation',
  async run({ smoke, log }) {
    const size = smoke
      ? { series: 4, perSeries: 5, fewBots: 20, manyBots: 2_000, naiveSample: 20, reps: 3 }
      : { series: 100, perSeries: 10, fewBots: 1_000, manyBots: 100_000, naiveSample: 2_000, reps: 15 };
    const conditions = benchConditions(size.series, size.perSeries);
    return withIsolatedServers('shared_few', (fewDb, fewPrefix) =>
      withIsolatedServers('shared_many', async (manyDb, manyPrefix) => {
        const sides: Side[] = [];
        try {
          sides.push(await sideWith(fewDb, fewPrefix, conditions, size, size.fewBots));
          sides.push(await sideWith(manyDb, manyPrefix, conditions, size, size.manyBots));
          const [few, many] = sides;
          // The first tick builds the series' runtimes (warm-up fetch); the next ones warm the JIT and Postgres's caches up.
          for (const side of sides) await advanceAndTick(side.evaluation, side.clock, 6);
          const [fewQueries, manyQueries] = sides.map((side) => countQueries(side.app.get(DataSource)));
          fewQueries.enabled = manyQueries.enabled = true;
          const ticks = await alternatingTicks(few, many, size.reps);
          fewQueries.enabled = manyQueries.enabled = false;
          const fewTick = summarize(ticks.a);
          const manyTick = summarize(ticks.b);
          log(`  ${size.fewBots} bots: tick ${fmt(fewTick.wallMs)} ms; ${size.manyBots} bots: tick ${fmt(manyTick.wallMs)} ms`);

          // The naive evaluator on a sample of the same bots (bot g: series g % S, conditions k, k+1 of it), extrapolated.
          const sample: NaiveBot[] = Array.from({ length: size.naiveSample }, (_, g) => ({
            conditions: Array.from({ length: CONDITIONS_PER_BOT }, (_, j) => {
              const s = g % size.series;
              return conditions[s * size.perSeries + ((Math.floor(g / size.series) + j) % size.perSeries)].definition;
            }),
          }));
          const market = new SimulatedMarketData({ seed: 42 });
          const naive = await measure(() => naiveTick(sample, market, many.clock.now(), WARMUP));
          const naiveShared = await measure(() => naiveTick(sample, market, many.clock.now(), WARMUP, true));
          const perBot = naive.wallMs / size.naiveSample;
          const perBotShared = naiveShared.wallMs / size.naiveSample;
          log(`  naive: ${fmt(perBot)} ms per bot (${fmt(perBotShared)} ms with candles fetched once per series)`);

          const naiveMany = perBot * size.manyBots;
          const manyLabel = size.manyBots.toLocaleString('en-US');
          const fewLabel = size.fewBots.toLocaleString('en-US');
          return {
            figures: [
              info(`tick, ${fewLabel} bots (median wall)`, fewTick.wallMs, 'ms'),
              info(`tick, ${manyLabel} bots (median wall)`, manyTick.wallMs, 'ms'),
              atMost(`tick cost ${manyLabel} bots ÷ ${fewLabel} bots (wall)`, manyTick.wallMs / fewTick.wallMs, '×', 1.2, '≤ 1.2×'),
              info(`same ratio on the app process's CPU`, manyTick.cpuMs / fewTick.cpuMs, '×'),
              info(`naive per-bot tick, ${manyLabel} bots (extrapolated from ${size.naiveSample.toLocaleString('en-US')})`, naiveMany, 'ms'),
              atLeast(`naive per-bot tick ÷ shared tick, ${manyLabel} bots`, naiveMany / manyTick.wallMs, '×', 50, '≥ 50×'),
              info('same ratio, naive with candles fetched once per series', (perBotShared * size.manyBots) / manyTick.wallMs, '×'),
            ],
            notes: [
              `${conditions.length} distinct conditions on ${size.series} simulated 1m series (RSI 7/14, EMA crossings, SMA, MACD, Bollinger %B), ` +
                `${CONDITIONS_PER_BOT} entry conditions per bot; ${ticks.reports[0]?.evaluations ?? 0} evaluations per tick (one new candle per series).`,
              `Two apps in this process, each on its own database with the same conditions, one with ${fewLabel} bots and one with ${manyLabel}, ticked in turns ` +
                `(A B, B A, …) so that both are measured at the same moments; median of ${size.reps} ticks each (min–max ${fmt(fewTick.wallMin)}–${fmt(fewTick.wallMax)} ms ` +
                `and ${fmt(manyTick.wallMin)}–${fmt(manyTick.wallMax)} ms), after 6 warm-up ticks. A tick includes its Postgres work ` +
                '(subscribed conditions, leases, cursors, evaluation log). The outbox relay is silenced so that no trigger is routed during the measurement.',
              `Statement time per tick, ${fewLabel} → ${manyLabel} bots: ${statementDiff(fewQueries, manyQueries, size.reps)}.`,
              `Naive evaluator (bench/support/naive-evaluator.ts): per bot and condition, fetch ${WARMUP + 1} candles, rebuild the indicators, compare ` +
                `(no writes); measured on ${size.naiveSample.toLocaleString('en-US')} of the bots (${fmt(perBot)} ms per bot) and scaled linearly to ${manyLabel}.`,
            ],
          };
        } finally {
          for (const side of sides) await side.app.close();
        }
      }),
    );
  },
};
