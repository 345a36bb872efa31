import { SeriesRuntime } from '../../src/evaluator/series-runtime.js';
import { MINUTE, ORIGIN, type BenchCondition } from './fixtures.js';
import type { ConditionEntity } from '../../src/registry/index.js';
import type { Candle, MarketDataSource } from '../../src/market-data/index.js';

/** Registry rows as the evaluator reads them, for driving SeriesRuntime without a database. */
export function conditionRows(conditions: BenchCondition[]): ConditionEntity[] {
  return conditions.map((c, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    key: c.key,
    exchange: c.definition.exchange,
    symbol: c.definition.symbol,
    timeframe: c.definition.timeframe,
    definition: c.definition,
    createdAt: new Date(ORIGIN),
    registeredAt: ORIGIN,
    lastCandleOpenTime: null,
    lastState: null,
    lastValues: null,
  }));
}

/** One runtime per series holding that series' conditions, as the evaluation service builds them. */
export function buildRuntimes(conditions: BenchCondition[], warmup: number): { runtime: SeriesRuntime; symbol: string }[] {
  const bySeries = new Map<number, BenchCondition[]>();
  for (const c of conditions) bySeries.set(c.series, [...(bySeries.get(c.series) ?? []), c]);
  let offset = 0;
  const rows = conditionRows(conditions);
  return [...bySeries.values()].map((group) => {
    const { exchange, symbol, timeframe } = group[0].definition;
    const runtime = new SeriesRuntime({ exchange, symbol, timeframe: timeframe as '1m' }, warmup);
    runtime.sync(rows.slice(offset, offset + group.length));
    offset += group.length;
    return { runtime, symbol };
  });
}

/** `count` consecutive one-minute candles of `symbol` from `from` (open time). */
export function candlesOf(market: MarketDataSource, symbol: string, from: number, count: number): Promise<Candle[]> {
  return market.fetchClosedCandles({ exchange: 'paper', symbol, timeframe: '1m' }, from, from + (count + 1) * MINUTE, count);
}
