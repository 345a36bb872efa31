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

/** A condition's row as the API reads it: one plain statement, no entity mapping (the API's hottest read). */
export type ConditionRow = Pick<ConditionView, 'id' | 'key' | 'exchange' | 'symbol' | 'timeframe' | 'definition' | 'subscribers'> & {
  created_at: Date;
  last_candle_open_time: Date | null;
  last_state: boolean | null;
  last_values: ConditionEntity['lastValues'];
};

/** The conditions with their subscriber counts (bots, not subscriptions); callers add WHERE, ORDER BY and LIMIT. */
export const SELECT_CONDITIONS = `SELECT c.id, c.key, c.exchange, c.symbol, c.timeframe, c.definition, c.created_at,
    c.last_candle_open_time, c.last_state, c.last_values,
    (SELECT count(DISTINCT s.bot_id) FROM subscriptions s WHERE s.condition_id = c.id)::int AS subscribers
  FROM conditions c`;

export function conditionViewOfRow(row: ConditionRow): ConditionView {
  const condition = {
    ...row, createdAt: row.created_at, lastCandleOpenTime: row.last_candle_open_time?.getTime() ?? null, lastState: row.last_state, lastValues: row.last_values,
  };
  return toConditionView(condition, row.subscribers);
}

type ViewedCondition = Pick<ConditionEntity, 'id' | 'key' | 'exchange' | 'symbol' | 'timeframe' | 'definition' | 'createdAt' | 'lastCandleOpenTime' | 'lastState' | 'lastValues'>;

export function toConditionView(condition: ViewedCondition, subscribers: number): ConditionView {
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
