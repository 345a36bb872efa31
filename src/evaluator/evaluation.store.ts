import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { deterministicUuid } from '../common/deterministic-id.js';
import type { TriggerFiredV1 } from '../event-bus/index.js';
import { timeframeMs, type Timeframe } from '../market-data/candle.js';
import type { Evaluation } from './series-runtime.js';

/** Another instance moved a condition's cursor since this one read it: its in-memory state is stale. */
export class StaleCursorError extends Error {}

export interface ConditionAdvance {
  conditionId: string;
  expectedCursor: number | null;
  evaluation: Evaluation;
}

/**
 * Writes one batch of evaluations atomically: the evaluation log, each condition's new state and the triggers.
 * Triggers are recorded in the same transaction as the state that produced them (the outbox), so none is lost or doubled.
 */
@Injectable()
export class EvaluationStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Resolves, once committed, with the triggers recorded (not those recorded before): for the relay to publish at once. */
  async commit(evaluations: Evaluation[], advances: ConditionAdvance[], timeframeOf: (conditionId: string) => string): Promise<TriggerFiredV1[]> {
    if (evaluations.length === 0) return [];
    return this.db.transaction(async (manager) => {
      await this.advanceCursors(manager, advances);
      await this.insertEvaluations(manager, evaluations);
      return this.insertTriggers(manager, evaluations.filter((e) => e.fired), timeframeOf);
    });
  }

  private async advanceCursors(manager: EntityManager, advances: ConditionAdvance[]): Promise<void> {
    const rows: { id: string }[] = await manager.query(
      // Wrapped in a CTE: TypeORM answers a bare UPDATE ... RETURNING with [rows, count] instead of rows.
      `WITH advanced AS (
         UPDATE conditions c SET last_candle_open_time = a.cursor, last_state = a.state, last_values = a.vals
         FROM unnest($1::uuid[], $2::timestamptz[], $3::boolean[], $4::jsonb[], $5::timestamptz[]) AS a(id, cursor, state, vals, expected)
         WHERE c.id = a.id AND c.last_candle_open_time IS NOT DISTINCT FROM a.expected
         RETURNING c.id)
       SELECT id FROM advanced`,
      [
        advances.map((a) => a.conditionId),
        advances.map((a) => new Date(a.evaluation.candleOpenTime)),
        advances.map((a) => a.evaluation.state),
        advances.map((a) => JSON.stringify(a.evaluation.values)),
        advances.map((a) => (a.expectedCursor === null ? null : new Date(a.expectedCursor))),
      ],
    );
    if (rows.length !== advances.length) throw new StaleCursorError(`${advances.length - rows.length} condition cursors moved elsewhere`);
  }

  private async insertEvaluations(manager: EntityManager, evaluations: Evaluation[]): Promise<void> {
    for (let start = 0; start < evaluations.length; start += 5000) {
      const chunk = evaluations.slice(start, start + 5000);
      await manager.query(
        `INSERT INTO condition_evaluations (condition_id, candle_open_time, state, "values")
         SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::boolean[], $4::jsonb[])`,
        [
          chunk.map((e) => e.conditionId),
          chunk.map((e) => new Date(e.candleOpenTime)),
          chunk.map((e) => e.state),
          chunk.map((e) => JSON.stringify(e.values)),
        ],
      );
    }
  }

  private async insertTriggers(manager: EntityManager, fired: Evaluation[], timeframeOf: (conditionId: string) => string): Promise<TriggerFiredV1[]> {
    if (fired.length === 0) return [];
    // Ids derive from (condition, candle): recomputing the same trigger can never make a second one.
    const triggers: TriggerFiredV1[] = fired.map((e) => ({
      triggerId: deterministicUuid('trigger', e.conditionId, e.candleOpenTime),
      conditionId: e.conditionId,
      conditionKey: e.conditionKey,
      candleOpenTime: e.candleOpenTime,
      candleCloseTime: e.candleOpenTime + timeframeMs(timeframeOf(e.conditionId) as Timeframe),
      values: e.values,
    }));
    const inserted: { id: string }[] = await manager.query(
      `INSERT INTO triggers (id, condition_id, candle_open_time, candle_close_time, "values")
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[], $5::jsonb[])
       ON CONFLICT (condition_id, candle_open_time) DO NOTHING RETURNING id`,
      [
        triggers.map((t) => t.triggerId),
        triggers.map((t) => t.conditionId),
        triggers.map((t) => new Date(t.candleOpenTime)),
        triggers.map((t) => new Date(t.candleCloseTime)),
        triggers.map((t) => JSON.stringify(t.values)),
      ],
    );
    const recorded = new Set(inserted.map((row) => row.id));
    return triggers.filter((t) => recorded.has(t.triggerId));
  }
}
