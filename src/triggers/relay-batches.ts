import type { LoggerService } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventBus, TriggerFiredV1 } from '../event-bus/index.js';
import type { Metrics } from '../metrics/index.js';

export const RELAY_BATCH = 500;
/** Batches being marked (UPDATE … COMMIT) while the next ones are read and published. */
const MAX_MARKS_IN_FLIGHT = 2;

interface UnpublishedRow {
  id: string;
  condition_id: string;
  key: string;
  candle_open_time: Date;
  candle_close_time: Date;
  values: Record<string, number | null>;
}

/**
 * The relay's passes, batch by batch: read the oldest unpublished triggers (locking them), publish them, and mark them
 * published. The mark (UPDATE … COMMIT, not waiting for the WAL flush) runs while the next batch is read and published:
 * its rows stay locked until then, so that a concurrent pass skips them.
 */
export class RelayBatches {
  private readonly marks = new Set<Promise<void>>();

  constructor(
    private readonly db: DataSource,
    private readonly bus: EventBus,
    private readonly metrics: Metrics,
    private readonly logger: LoggerService,
    private readonly republishAfterMs: number,
  ) {}

  /** Publishes the next batch and resolves with its trigger ids once the bus has them (fewer than RELAY_BATCH: the last). */
  async publishNext(republish: boolean): Promise<string[]> {
    while (this.marks.size >= MAX_MARKS_IN_FLIGHT) await Promise.race(this.marks);
    let published: string[] | undefined;
    let resolve!: (ids: string[]) => void;
    let reject!: (error: unknown) => void;
    const publication = new Promise<string[]>((res, rej) => ((resolve = res), (reject = rej)));
    const mark = this.db
      .transaction(async (manager) => {
        const rows = await this.lockBatch(manager, republish);
        if (rows.length > 0) await this.bus.publish('trigger.fired', rows.map(toEvent));
        resolve((published = rows.map((row) => row.id)));
        if (rows.length === 0) return;
        this.metrics.triggersPublished.inc(rows.length);
        // Losing these marks in a Postgres crash only publishes again, which the delivery keys make harmless.
        await manager.query(`SET LOCAL synchronous_commit = off`);
        await manager.query(`UPDATE triggers SET published_at = now() WHERE id = ANY($1::uuid[])`, [published]);
        this.logger.debug?.({ triggerIds: published }, `published ${rows.length} trigger(s)`);
      })
      .catch((error: unknown) => {
        if (published === undefined) return reject(error);
        // An empty batch's failed COMMIT leaves nothing behind.
        if (published.length === 0) return;
        this.metrics.countError('relay', error);
        this.logger.warn({ err: error }, `${published.length} published trigger(s) not marked; they will be published again`);
      })
      .finally(() => this.marks.delete(mark));
    this.marks.add(mark);
    return publication;
  }

  /** Resolves once every batch published so far is marked (or failed to be). */
  async settled(): Promise<void> {
    while (this.marks.size > 0) await Promise.all(this.marks);
  }

  private lockBatch(manager: EntityManager, republish: boolean): Promise<UnpublishedRow[]> {
    // SKIP LOCKED lets several replicas relay side by side without publishing the same rows at once.
    // With `republish`, also those published long ago and still unhandled: the bus lost them (a Redis restart
    // without persistence). The notifier's delivery keys make a second publication harmless. That scan reads every
    // unhandled trigger, so only timer passes make it; other passes read the unpublished index alone.
    return manager.query(
      `SELECT t.id, t.condition_id, c.key, t.candle_open_time, t.candle_close_time, t."values"
       FROM triggers t JOIN conditions c ON c.id = t.condition_id
       WHERE t.published_at IS NULL
          ${republish ? 'OR (t.handled_at IS NULL AND t.published_at < now() - make_interval(secs => $1::double precision / 1000))' : ''}
       ORDER BY t.seq LIMIT ${RELAY_BATCH} FOR UPDATE OF t SKIP LOCKED`,
      republish ? [this.republishAfterMs] : [],
    );
  }
}

function toEvent(row: UnpublishedRow): TriggerFiredV1 {
  return {
    triggerId: row.id,
    conditionId: row.condition_id,
    conditionKey: row.key,
    candleOpenTime: row.candle_open_time.getTime(),
    candleCloseTime: row.candle_close_time.getTime(),
    values: row.values,
  };
}
