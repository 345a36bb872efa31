import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { timeframeMs, type Timeframe } from '../market-data/candle.js';
import { canonicalKey } from './canonical-key.js';
import { ConditionEntity } from './condition.entity.js';
import { ConditionViewCache } from './condition-view-cache.js';
import type { ConditionDefinition } from './indicator-catalog.js';
import type { SubscriptionRole } from './subscription.entity.js';

export interface RegisteredCondition {
  id: string;
  key: string;
}

/** The shared registry: one row per distinct condition, and which bots subscribe to it. */
@Injectable()
export class RegistryService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly answers: ConditionViewCache,
  ) {}

  /** Returns the registry row of each definition, creating the ones not seen before (in input order). */
  async register(manager: EntityManager, definitions: ConditionDefinition[], marketTime: number): Promise<RegisteredCondition[]> {
    const byKey = new Map(definitions.map((definition) => [canonicalKey(definition), definition]));
    const idByKey = new Map<string, string>();
    // A key another transaction inserts after this statement's snapshot is neither read nor inserted by it: the next
    // statement, with a fresh snapshot, reads it. Two rounds always suffice; the third is a guard.
    for (let round = 0; round < 3 && idByKey.size < byKey.size; round++) {
      const missing = [...byKey].filter(([key]) => !idByKey.has(key));
      for (const row of await this.insertMissing(manager, missing, marketTime)) idByKey.set(row.key, row.id);
    }
    if (idByKey.size < byKey.size) throw new Error('conditions could not be registered: their keys were neither found nor inserted');
    return definitions.map((definition) => {
      const key = canonicalKey(definition);
      return { id: idByKey.get(key)!, key };
    });
  }

  /**
   * Reads the conditions that exist and inserts the others, in one statement. Existing conditions (the common case:
   * bots share them) are only read: no row is locked or written, so registering them flushes nothing to the WAL and
   * never waits for another bot's registration of the same condition.
   */
  private async insertMissing(manager: EntityManager, rows: [string, ConditionDefinition][], marketTime: number): Promise<RegisteredCondition[]> {
    return manager.query(
      `WITH input AS (
         SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[]) AS i(key, exchange, symbol, timeframe, definition)
       ), existing AS (
         SELECT c.id, c.key FROM conditions c JOIN input USING (key)
       ), inserted AS (
         INSERT INTO conditions (key, exchange, symbol, timeframe, definition, registered_at)
         SELECT key, exchange, symbol, timeframe, definition, $1 FROM input WHERE key NOT IN (SELECT key FROM existing)
         ON CONFLICT (key) DO NOTHING RETURNING id, key
       )
       SELECT id, key FROM existing UNION ALL SELECT id, key FROM inserted`,
      [
        new Date(marketTime),
        rows.map(([key]) => key), rows.map(([, d]) => d.exchange), rows.map(([, d]) => d.symbol), rows.map(([, d]) => d.timeframe),
        rows.map(([, d]) => JSON.stringify(d)),
      ],
    );
  }

  async subscribe(manager: EntityManager, botId: string, subscriptions: { conditionId: string; role: SubscriptionRole }[]): Promise<void> {
    if (subscriptions.length === 0) return;
    this.answers.forget(subscriptions.map((s) => s.conditionId));
    await manager.query(
      `INSERT INTO subscriptions (bot_id, condition_id, role)
       SELECT $1, unnest($2::uuid[]), unnest($3::text[]) ON CONFLICT DO NOTHING`,
      [botId, subscriptions.map((s) => s.conditionId), subscriptions.map((s) => s.role)],
    );
  }

  /**
   * Drops the bot's subscriptions (those of `roles` only, when given). A condition left with no subscriber is no
   * longer evaluated (the evaluator reads only subscribed ones).
   */
  async unsubscribe(manager: EntityManager, botId: string, roles?: SubscriptionRole[]): Promise<void> {
    const [removed]: [{ ids: string[] }] = await manager.query(
      `WITH removed AS (DELETE FROM subscriptions WHERE bot_id = $1 AND ($2::text[] IS NULL OR role = ANY($2::text[])) RETURNING condition_id)
       SELECT coalesce(array_agg(condition_id), '{}') AS ids FROM removed`,
      [botId, roles ?? null],
    );
    this.answers.forget(removed.ids);
  }

  /**
   * Subscriptions written outside `subscribe` (a bot and its subscriptions in one statement): the conditions'
   * answers are refreshed.
   */
  subscribersChanged(conditionIds: string[]): void {
    this.answers.forget(conditionIds);
  }

  /** The evaluator recorded evaluations: the conditions' last evaluations changed. */
  evaluationsRecorded(): void {
    this.answers.clear();
  }

  async markTriggered(manager: EntityManager, conditionId: string, botIds: string[], at: Date): Promise<void> {
    await manager.query(
      `UPDATE subscriptions SET last_triggered_at = $3 WHERE condition_id = $1 AND bot_id = ANY($2::uuid[])
         AND (last_triggered_at IS NULL OR last_triggered_at < $3)`,
      [conditionId, botIds, at],
    );
  }

  /** Every condition that at least one bot subscribes to: the evaluator's work list. */
  async subscribedConditions(): Promise<ConditionEntity[]> {
    return this.db
      .getRepository(ConditionEntity)
      .createQueryBuilder('c')
      // OFFSET 0 keeps the EXISTS a probe of the subscriptions index per condition: without it, once ticks have
      // rewritten the conditions' rows, Postgres switches to reading every subscription (200k rows at 100k bots).
      .where('EXISTS (SELECT 1 FROM subscriptions s WHERE s.condition_id = c.id OFFSET 0)')
      // Signal conditions are fed from outside (POST /signals), not computed.
      .andWhere(`c.definition->>'kind' IS NULL`)
      .orderBy('c.id')
      .getMany();
  }

  /**
   * Whether each condition held at `asOf`: its newest evaluation on a candle closed by then.
   * Reading history rather than the latest state keeps the answer right when a trigger is handled late.
   */
  async heldAt(conditions: { id: string; timeframe: string }[], asOf: number): Promise<Map<string, boolean>> {
    if (conditions.length === 0) return new Map();
    const latestOpen = conditions.map((c) => new Date(asOf - timeframeMs(c.timeframe as Timeframe)));
    const rows: { id: string; state: boolean }[] = await this.db.query(
      `SELECT q.id, ev.state FROM unnest($1::uuid[], $2::timestamptz[]) AS q(id, latest_open)
       JOIN LATERAL (SELECT state FROM condition_evaluations e WHERE e.condition_id = q.id AND e.candle_open_time <= q.latest_open
                     ORDER BY e.candle_open_time DESC LIMIT 1) ev ON true`,
      [conditions.map((c) => c.id), latestOpen],
    );
    return new Map(rows.map((row) => [row.id, row.state]));
  }
}
