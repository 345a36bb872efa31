import type { ConditionEntity } from './condition.entity.js';

export interface ConditionView {
  id: string;
  key: string;
  exchange: string;
  symbol: string;
  timeframe: string;
  definition: ConditionEntity['definition'];
  subscribers: number;
  lastEvaluation: { candleOpenTime: string; value: number | null; values: Record<string, number | null>; state: boolean } | null;
  createdAt: string;
}

export function toConditionView(condition: ConditionEntity, subscribers: number): ConditionView {
  const evaluated = condition.lastCandleOpenTime !== null && condition.lastState !== null;
  return {
    id: condition.id,
    key: condition.key,
    exchange: condition.exchange,
    symbol: condition.symbol,
    timeframe: condition.timeframe,
    definition: condition.definition,
    subscribers,
    lastEvaluation: evaluated
      ? {
          candleOpenTime: new Date(condition.lastCandleOpenTime!).toISOString(),
          value: condition.lastValues?.lhs ?? null,
          values: condition.lastValues ?? {},
          state: condition.lastState!,
        }
      : null,
    createdAt: condition.createdAt.toISOString(),
  };
}
