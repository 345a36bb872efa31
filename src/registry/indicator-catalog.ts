/**
 * The indicators a condition may use, their parameters (with defaults and bounds) and their outputs.
 * The registry validates and normalises against this table; the evaluator builds indicators from it.
 */
export interface ParamSpec {
  default: number;
  min: number;
  max: number;
  integer: boolean;
}

export interface IndicatorSpecOf {
  params: Record<string, ParamSpec>;
  /** Outputs a condition must choose from; empty for single-valued indicators. */
  outputs: readonly string[];
}

const period = (value: number): ParamSpec => ({ default: value, min: 1, max: 1000, integer: true });

export const INDICATORS = {
  price: { params: {}, outputs: [] },
  rsi: { params: { period: { ...period(14), min: 2 } }, outputs: [] },
  sma: { params: { period: period(20) }, outputs: [] },
  ema: { params: { period: period(20) }, outputs: [] },
  macd: { params: { fast: period(12), slow: period(26), signal: period(9) }, outputs: ['line', 'signal', 'histogram'] },
  bollinger: {
    params: { period: { ...period(20), min: 2 }, stdDev: { default: 2, min: 0.1, max: 10, integer: false } },
    outputs: ['upper', 'middle', 'lower', 'percentB'],
  },
} as const satisfies Record<string, IndicatorSpecOf>;

export type IndicatorName = keyof typeof INDICATORS;
export const INDICATOR_NAMES = Object.keys(INDICATORS) as IndicatorName[];

export const OPERATORS = ['lt', 'lte', 'gt', 'gte', 'crosses_above', 'crosses_below'] as const;
export type Operator = (typeof OPERATORS)[number];

/** An indicator with all its parameters filled in, and the output it reads. */
export interface IndicatorRef {
  indicator: IndicatorName;
  params: Record<string, number>;
  output?: string;
}

/** What a condition asks, normalised: the stored definition and the source of its canonical key. */
export interface ConditionDefinition {
  exchange: string;
  symbol: string;
  timeframe: string;
  lhs: IndicatorRef;
  operator: Operator;
  rhs: number | IndicatorRef;
}
