import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/index.js';
import { EventBus } from '../event-bus/index.js';
import type { TriggerFiredV1 } from '../event-bus/index.js';

const BATCH = 500;

interface UnpublishedRow {
  id: string;
  condition_id: string;
  key: string;
  candle_open_time: Date;
  candle_close_time: Date;
  values: Record<string, number | null>;
}

/**
 * The outbox relay: publishes recorded triggers to the bus in the order they were recorded, then marks them.
 * A crash between publishing and marking publishes again; the notifier's (trigger, bot) key makes that harmless.
 * While the bus is down, triggers wait in Postgres and go out in order once it is back.
 */
@Injectable()
export class TriggerRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TriggerRelay.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly bus: EventBus,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.bus.durable) await this.requeueUnhandled();
    this.timer = setInterval(() => this.kick(), this.config.env.RELAY_INTERVAL_MS);
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Asks for a relay pass now; passes never overlap, and a kick during a pass runs one more. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'relay pass failed; triggers stay recorded and are retried'))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          void this.kick();
        }
      });
    return this.running;
  }

  /** Publishes until nothing is left. */
  async drain(): Promise<void> {
    while (!this.stopped && (await this.publishBatch()) === BATCH);
  }

  private async publishBatch(): Promise<number> {
    return this.db.transaction(async (manager) => {
      // SKIP LOCKED lets several replicas relay side by side without publishing the same rows at once.
      // Also published long ago and still unhandled: the bus lost it (a Redis restart without persistence). The
      // notifier's delivery keys make a second publication harmless.
      const rows: UnpublishedRow[] = await manager.query(
        `SELECT t.id, t.condition_id, c.key, t.candle_open_time, t.candle_close_time, t."values"
         FROM triggers t JOIN conditions c ON c.id = t.condition_id
         WHERE t.published_at IS NULL
            OR (t.handled_at IS NULL AND t.published_at < now() - make_interval(secs => $1::double precision / 1000))
         ORDER BY t.seq LIMIT ${BATCH} FOR UPDATE OF t SKIP LOCKED`,
        [this.config.env.RELAY_REPUBLISH_AFTER_MS],
      );
      if (rows.length === 0) return 0;
      await this.bus.publish('trigger.fired', rows.map(toEvent));
      await manager.query(`UPDATE triggers SET published_at = now() WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.id)]);
      this.logger.debug(`published ${rows.length} trigger(s)`);
      return rows.length;
    });
  }

  /** An in-process bus forgets on a crash: whatever was not handled is published again at start. */
  private async requeueUnhandled(): Promise<void> {
    const rows: unknown[] = await this.db.query(
      `WITH requeued AS (UPDATE triggers SET published_at = NULL WHERE handled_at IS NULL AND published_at IS NOT NULL RETURNING id)
       SELECT id FROM requeued`,
    );
    if (rows.length > 0) this.logger.log(`re-publishing ${rows.length} trigger(s) left unhandled by the last run`);
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
