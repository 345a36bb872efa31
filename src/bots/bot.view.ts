import type { ConditionDefinition } from '../registry/index.js';
import type { BotEntity } from './bot.entity.js';

export interface BotConditionView {
  id: string;
  key: string;
  role: string;
  timeframe: string;
  indicator: string;
  params: Record<string, number>;
  output?: string;
  operator: string;
  value: ConditionDefinition['rhs'];
  lastTriggeredAt: string | null;
}

/** A condition fed by signals from outside (POST /signals/:botId) rather than computed. */
export interface SignalConditionView {
  id: string;
  key: string;
  role: string;
  kind: 'signal';
  action: string;
  lastTriggeredAt: string | null;
}

export interface BotConditionRow {
  id: string;
  key: string;
  role: string;
  definition: ConditionDefinition;
  last_triggered_at: Date | null;
}

export function toBotView(bot: BotEntity, conditions: BotConditionRow[]) {
  return {
    id: bot.id,
    name: bot.name,
    type: bot.type,
    exchange: bot.exchange,
    exchangeAccountId: bot.exchangeAccountId,
    symbol: bot.symbol,
    status: bot.status,
    [bot.type]: bot.settings,
    conditions: conditions.map(toConditionView),
    createdAt: bot.createdAt.toISOString(),
    updatedAt: bot.updatedAt.toISOString(),
  };
}

function toConditionView(row: BotConditionRow): BotConditionView | SignalConditionView {
  const definition = row.definition as ConditionDefinition | { kind: 'signal'; action: string };
  if ('kind' in definition) {
    return { id: row.id, key: row.key, role: row.role, kind: 'signal', action: definition.action, lastTriggeredAt: row.last_triggered_at?.toISOString() ?? null };
  }
  const { lhs, operator, rhs, timeframe } = definition;
  return {
    id: row.id,
    key: row.key,
    role: row.role,
    timeframe,
    indicator: lhs.indicator,
    params: lhs.params,
    ...(lhs.output && { output: lhs.output }),
    operator,
    value: rhs,
    lastTriggeredAt: row.last_triggered_at?.toISOString() ?? null,
  };
}

export type BotView = ReturnType<typeof toBotView>;
