import { holds, type Sides } from '../../src/evaluator/compare.js';
import { createIndicator, type StreamingIndicator } from '../../src/evaluator/indicators/streaming-indicator.js';
import { lastClosedOpenTime, seriesKey, timeframeMs, type Candle, type MarketDataSource, type SeriesRef, type Timeframe } from '../../src/market-data/index.js';
import type { ConditionDefinition, IndicatorRef } from '../../src/registry/index.js';

export interface NaiveBot {
  conditions: ConditionDefinition[];
}

/**
 * What the evaluator would cost without sharing, written for the comparison only: every bot evaluates each of its
 * conditions on its own, as a bot process of its own would: it fetches the series' recent candles, builds its
 * indicators from scratch over them (the same warm-up length as the shared evaluator) and compares the last two
 * candles. Nothing is written anywhere, which flatters it.
 *
 * With `sharedCandles`, candles are fetched once per series and tick and handed to every bot: what is left is the
 * indicator work each bot repeats.
 */
export async function naiveTick(bots: NaiveBot[], market: MarketDataSource, now: number, warmup: number, sharedCandles = false): Promise<number> {
  const cache = new Map<string, Candle[]>();
  let held = 0;
  for (const bot of bots) {
    let all = true;
    for (const definition of bot.conditions) {
      const series: SeriesRef = { exchange: definition.exchange, symbol: definition.symbol, timeframe: definition.timeframe as Timeframe };
      let candles = sharedCandles ? cache.get(seriesKey(series)) : undefined;
      if (!candles) {
        const since = lastClosedOpenTime(series.timeframe, now) - warmup * timeframeMs(series.timeframe);
        candles = await market.fetchClosedCandles(series, since, now, warmup + 1);
        if (sharedCandles) cache.set(seriesKey(series), candles);
      }
      all = evaluateFromScratch(definition, candles) && all;
    }
    if (all) held++;
  }
  return held;
}

function evaluateFromScratch(definition: ConditionDefinition, candles: Candle[]): boolean {
  const lhs = createIndicator(definition.lhs);
  const rhs = typeof definition.rhs === 'number' ? definition.rhs : createIndicator(definition.rhs);
  let previous: Sides | undefined;
  let now: Sides = { lhs: null, rhs: null };
  for (const candle of candles) {
    lhs.update(candle);
    if (typeof rhs !== 'number') rhs.update(candle);
    previous = now;
    now = { lhs: lhs.read(definition.lhs.output), rhs: typeof rhs === 'number' ? rhs : read(rhs, definition.rhs as IndicatorRef) };
  }
  return holds(definition.operator, now, previous);
}

function read(indicator: StreamingIndicator, ref: IndicatorRef): number | null {
  return indicator.read(ref.output);
}
