/**
 * The typed event map of the bus: every topic, its payload and its schema version.
 * Publishing and handling are checked by the compiler against this map.
 */
export interface TriggerFiredV1 {
  triggerId: string;
  conditionId: string;
  conditionKey: string;
  /** Open time (UTC ms) of the closed candle that made the condition true. */
  candleOpenTime: number;
  /** Close time (UTC ms) of that candle: the moment the decision was made. */
  candleCloseTime: number;
  /** Indicator values on that candle: `lhs`, `rhs` and the candle's `close`. */
  values: Record<string, number | null>;
}

export interface BusEvents {
  'trigger.fired': TriggerFiredV1;
}

export type Topic = keyof BusEvents;

/** Current schema version of each topic's payload; bump it when a payload changes shape. */
export const EVENT_VERSIONS: { [K in Topic]: number } = {
  'trigger.fired': 1,
};
