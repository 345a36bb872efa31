import type { Candle, SeriesRef } from '../market-data/candle.js';
import { indicatorKey, type ConditionEntity, type IndicatorRef, type Operator } from '../registry/index.js';
import { holds, type Sides } from './compare.js';
import { createIndicator, type StreamingIndicator } from './indicators/streaming-indicator.js';

/** One condition's verdict on one closed candle. */
export interface Evaluation {
  conditionId: string;
  conditionKey: string;
  candleOpenTime: number;
  state: boolean;
  values: { lhs: number | null; rhs: number | null; close: number };
  /** True on the transition false → true: this evaluation is a trigger. */
  fired: boolean;
}

interface Side {
  indicator: StreamingIndicator;
  output?: string;
}

interface LiveCondition {
  id: string;
  key: string;
  operator: Operator;
  lhs: Side;
  rhs: number | Side;
  previous?: Sides;
  /** The state on the last evaluated candle; undefined until the condition's first (baseline) candle. */
  state?: boolean;
  /** The candle the database says this condition was last evaluated on. */
  persistedCursor: number | null;
}

/**
 * The evaluator's memory of one series: its indicators (shared by every condition that uses them),
 * its conditions and the recent candles, so that a condition added later warms up without a fetch.
 */
export class SeriesRuntime {
  cursor: number | null = null;
  private readonly indicators = new Map<string, StreamingIndicator>();
  private readonly conditions = new Map<string, LiveCondition>();
  private readonly history: Candle[] = [];
  private lastClose = 0;

  constructor(
    readonly series: SeriesRef,
    private readonly historyLimit: number,
  ) {}

  get conditionCount(): number {
    return this.conditions.size;
  }

  /**
   * Brings the condition set in line with the registry. A condition the runtime has not evaluated up to its cursor
   * (new, or re-subscribed after a pause) gets a baseline evaluation on the cursor's candle: it never fires on it.
   */
  sync(registered: ConditionEntity[]): Evaluation[] {
    const wanted = new Set(registered.map((c) => c.id));
    for (const id of this.conditions.keys()) if (!wanted.has(id)) this.conditions.delete(id);
    const baselines: Evaluation[] = [];
    for (const row of registered) {
      if (this.conditions.has(row.id)) continue;
      const live = this.addCondition(row);
      if (this.cursor === null) continue;
      if (row.lastCandleOpenTime === this.cursor && row.lastState !== null) live.state = row.lastState;
      else baselines.push(this.evaluate(live, this.cursor));
    }
    return baselines;
  }

  /** Feeds history up to the cursor: indicators warm up, nothing is evaluated or recorded. */
  warmUp(candle: Candle): void {
    this.feed(candle);
    for (const live of this.conditions.values()) live.previous = this.sides(live);
  }

  /** Evaluates every condition on a newly closed candle, in order; the first candle a condition sees is its baseline. */
  apply(candle: Candle): Evaluation[] {
    this.feed(candle);
    this.cursor = candle.openTime;
    const evaluations: Evaluation[] = [];
    for (const live of this.conditions.values()) evaluations.push(this.evaluate(live, candle.openTime));
    return evaluations;
  }

  persistedCursorOf(conditionId: string): number | null {
    return this.conditions.get(conditionId)?.persistedCursor ?? null;
  }

  markPersisted(conditionId: string, cursor: number): void {
    const live = this.conditions.get(conditionId);
    if (live) live.persistedCursor = cursor;
  }

  private feed(candle: Candle): void {
    for (const indicator of this.indicators.values()) indicator.update(candle);
    this.lastClose = candle.close;
    this.history.push(candle);
    if (this.history.length > this.historyLimit * 2) this.history.splice(0, this.history.length - this.historyLimit);
  }

  private evaluate(live: LiveCondition, candleOpenTime: number): Evaluation {
    const now = this.sides(live);
    const state = holds(live.operator, now, live.previous);
    const fired = state && live.state === false;
    live.previous = now;
    live.state = state;
    return {
      conditionId: live.id,
      conditionKey: live.key,
      candleOpenTime,
      state,
      values: { lhs: now.lhs, rhs: now.rhs, close: this.lastClose },
      fired,
    };
  }

  private sides(live: LiveCondition): Sides {
    const rhs = typeof live.rhs === 'number' ? live.rhs : live.rhs.indicator.read(live.rhs.output);
    return { lhs: live.lhs.indicator.read(live.lhs.output), rhs };
  }

  private addCondition(row: ConditionEntity): LiveCondition {
    const { lhs, rhs, operator } = row.definition;
    const live: LiveCondition = {
      id: row.id,
      key: row.key,
      operator,
      lhs: this.side(lhs),
      rhs: typeof rhs === 'number' ? rhs : this.side(rhs),
      persistedCursor: row.lastCandleOpenTime,
    };
    this.conditions.set(row.id, live);
    live.previous = this.sides(live);
    return live;
  }

  private side(ref: IndicatorRef): Side {
    const key = indicatorKey({ ...ref, output: undefined });
    let indicator = this.indicators.get(key);
    if (!indicator) {
      indicator = createIndicator(ref);
      for (const candle of this.history) indicator.update(candle);
      this.indicators.set(key, indicator);
    }
    return { indicator, output: ref.output };
  }
}
