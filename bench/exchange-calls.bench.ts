import { ManualClock } from '../src/clock/index.js';
import { EvaluationService } from '../src/evaluator/index.js';
import { MarketDataSource } from '../src/market-data/index.js';
import { SimulatedMarketData } from '../src/market-data/simulated.market-data.js';
import { startBenchApp } from './support/bench-app.js';
import { CountingMarketData } from './support/counting-market-data.js';
import { benchConditions, insertBots, insertConditions, MINUTE, ORIGIN } from './support/fixtures.js';
import { connect, REDIS_URL, withIsolatedServers } from './support/infra.js';
import { QUIET_RELAY } from './support/ticks.js';
import { info, type Benchmark, type Figure } from './support/types.js';

interface PhaseCount {
  label: string;
  ticks: number;
  minPerSeries: number;
  maxPerSeries: number;
  seriesFetched: number[];
  priceLookups: number;
}

/** Exchange calls: candle fetches per series per tick, counted, with few and with many conditions and bots. */
export const exchangeCalls: Benchmark = {
  id: 'exchange-calls',
  title: 'Exchange calls',
  async run({ smoke, log }) {
    const size = smoke ? { series: 4, perSeries: 5, fewBots: 20, manyBots: 200, ticks: 3 } : { series: 100, perSeries: 10, fewBots: 1_000, manyBots: 100_000, ticks: 5 };
    return withIsolatedServers('exchange_calls', async (database, prefix) => {
      const clock = new ManualClock(ORIGIN);
      const market = new CountingMarketData(new SimulatedMarketData({ seed: 42 }));
      const app = await startBenchApp(
        { DATABASE_URL: database.url, REDIS_URL, REDIS_KEY_PREFIX: prefix, MARKET_DATA_SOURCE: 'simulated' },
        clock,
        [{ provide: MarketDataSource, useValue: market }, QUIET_RELAY],
      );
      const db = await connect(database.url);
      try {
        const conditions = benchConditions(size.series, size.perSeries);
        const ids = await insertConditions(db, conditions);
        const evaluation = app.get(EvaluationService);
        const countTicks = async (label: string, ticks: number): Promise<PhaseCount> => {
          const phase: PhaseCount = { label, ticks, minPerSeries: Infinity, maxPerSeries: 0, seriesFetched: [], priceLookups: 0 };
          for (let i = 0; i < ticks; i++) {
            clock.advance(MINUTE);
            market.reset();
            await evaluation.tick();
            const counts = [...market.fetches.values()];
            phase.seriesFetched.push(counts.length);
            phase.minPerSeries = Math.min(phase.minPerSeries, ...counts, counts.length < size.series ? 0 : Infinity);
            phase.maxPerSeries = Math.max(phase.maxPerSeries, ...counts);
            phase.priceLookups += market.priceLookups;
          }
          log(`  ${label}: ${phase.minPerSeries}–${phase.maxPerSeries} fetches per series per tick over ${ticks} ticks`);
          return phase;
        };

        // Few: one condition per series (the first of each), one per bot.
        const firstOfSeries = ids.filter((_, i) => i % size.perSeries === 0);
        await insertBots(db, { from: 0, to: size.fewBots - 1, seriesCount: size.series, perSeries: 1, conditionIds: firstOfSeries, conditionsPerBot: 1 });
        const few = await countTicks(`${size.series} conditions, ${size.fewBots.toLocaleString('en-US')} bots (first tick builds the runtimes)`, size.ticks);
        // Many: every condition, two per bot; the first tick after it adds conditions to running runtimes.
        await insertBots(db, { from: size.fewBots, to: size.manyBots - 1, seriesCount: size.series, perSeries: size.perSeries, conditionIds: ids, conditionsPerBot: 2 });
        const many = await countTicks(`${conditions.length.toLocaleString('en-US')} conditions, ${size.manyBots.toLocaleString('en-US')} bots (first tick adds the new conditions)`, size.ticks);

        const phases = [few, many];
        const exactlyOne = phases.every((p) => p.minPerSeries === 1 && p.maxPerSeries === 1 && p.seriesFetched.every((n) => n === size.series));
        const figures: Figure[] = [
          {
            name: 'candle fetches per series per tick (max over all ticks and series)',
            value: Math.max(few.maxPerSeries, many.maxPerSeries),
            unit: '',
            goal: 'exactly 1, every series, every tick',
            met: exactlyOne,
          },
          info('candle fetches per series per tick (min)', Math.min(few.minPerSeries, many.minPerSeries), ''),
          info('series × ticks counted', phases.reduce((n, p) => n + p.seriesFetched.length * size.series, 0), ''),
          info('price look-ups during the ticks', few.priceLookups + many.priceLookups, ''),
        ];
        return {
          figures,
          notes: [
            `The app's market data source (simulated) wrapped in a counter of fetchClosedCandles per series; ${size.ticks} ticks with ${few.label}, ` +
              `then ${size.ticks} ticks with ${many.label}. Series fetched per tick: ${few.seriesFetched.join(', ')} and ${many.seriesFetched.join(', ')} ` +
              `(of ${size.series}).`,
            'Counted during evaluator ticks with the outbox relay silenced: the paper exchange (which reads candles to match resting limit orders) is not exercised here.',
          ],
        };
      } finally {
        await app.close();
        await db.end();
      }
    });
  },
};
