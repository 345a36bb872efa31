import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/index.js';
import { EventBus } from '../event-bus/index.js';
import type { TriggerFiredV1 } from '../event-bus/index.js';
import { Metrics } from '../metrics/index.js';
import { PublishedMarks } from './published-marks.js';
import { RELAY_BATCH, RelayBatches } from './relay-batches.js';

/**
 * The outbox relay: publishes recorded triggers to the bus in the order they were recorded, then marks them.
 * A crash between publishing and marking publishes again; the notifier's (trigger, bot) key makes that harmless.
 * While the bus is down, triggers wait in Postgres and go out in order once it is back.
 *
 * Two ways out, through one worker (so that nothing leaves this process twice or out of order):
 * - `publishCommitted`: the evaluator hands over the triggers it has just committed, and they are published at once,
 *   without a round trip to Postgres first (the commit → handler latency); they are marked afterwards.
 * - passes (`kick`, the timer, `drain`): read what is unpublished from Postgres. They are the safety net: after a
 *   start, a failed publication, or for triggers recorded elsewhere (signals, another replica).
 * Triggers handed over go out directly only while the relay is caught up (its last pass left nothing behind);
 * otherwise a pass publishes them, after the older ones.
 */
@Injectable()
export class TriggerRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TriggerRelay.name);
  private readonly batches: RelayBatches;
  private readonly marks: PublishedMarks;
  private timer?: NodeJS.Timeout;
  private working = false;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private passWanted = false;
  /** Set by the timer: the next pass also looks for triggers the bus may have lost (too slow a scan for every kick). */
  private republishDue = false;
  private caughtUp = false;
  private lastPassFailure?: { error: unknown };
  /** Handed over after their commit, waiting for the worker. */
  private fresh: TriggerFiredV1[] = [];

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly bus: EventBus,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {
    this.batches = new RelayBatches(db, bus, metrics, this.logger, config.env.RELAY_REPUBLISH_AFTER_MS);
    this.marks = new PublishedMarks(db, (error, count) => {
      this.metrics.countError('relay', error);
      this.logger.warn({ err: error }, `${count} published trigger(s) not marked; a pass will publish them again`);
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.bus.durable) await this.requeueUnhandled();
    this.timer = setInterval(() => {
      this.republishDue = true;
      void this.kick();
    }, this.config.env.RELAY_INTERVAL_MS);
    void this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    await this.settled();
  }

  /** Asks for a pass now; it runs after the work in hand. Resolves when the worker is idle. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.passWanted = true;
    return this.wake();
  }

  /** Publishes triggers the caller has just committed; if that cannot be done at once and in order, a pass does it. */
  publishCommitted(triggers: TriggerFiredV1[]): void {
    if (this.stopped || triggers.length === 0) return;
    if (!this.caughtUp) return void this.kick();
    this.fresh.push(...triggers);
    void this.wake();
  }

  /**
   * Publishes until nothing is left, including triggers published long ago and still unhandled, and marks them;
   * throws if that pass failed.
   */
  async drain(): Promise<void> {
    this.republishDue = true;
    this.lastPassFailure = undefined;
    await this.kick();
    await this.settled();
    // Set by the pass, across the awaits above (the compiler cannot see that).
    const failure = this.lastPassFailure as { error: unknown } | undefined;
    if (failure) throw failure.error;
  }

  private wake(): Promise<void> {
    if (!this.working) {
      this.working = true;
      this.running = this.work();
    }
    return this.running;
  }

  private async work(): Promise<void> {
    try {
      while (!this.stopped) {
        if (this.passWanted) await this.pass();
        else if (this.fresh.length > 0) await this.publishFresh();
        else return;
      }
    } finally {
      this.working = false;
    }
  }

  private async pass(): Promise<void> {
    this.passWanted = false;
    const republish = this.republishDue;
    this.republishDue = false;
    // Handed over before the pass starts reading: committed before it, so the pass publishes them.
    const seen = this.fresh.length;
    const published = new Set<string>();
    try {
      // Published directly but not marked yet, they would go out a second time.
      await this.marks.settled();
      let batch: string[];
      do {
        batch = await this.batches.publishNext(republish);
        for (const id of batch) published.add(id);
      } while (!this.stopped && batch.length === RELAY_BATCH);
      this.caughtUp = batch.length < RELAY_BATCH;
      this.lastPassFailure = undefined;
      this.fresh = this.fresh.slice(seen).filter((trigger) => !published.has(trigger.triggerId));
    } catch (error) {
      // They stay unpublished in Postgres: the timer's next pass publishes them, in order.
      this.caughtUp = false;
      this.fresh = [];
      this.lastPassFailure = { error };
      this.metrics.countError('relay', error);
      this.logger.warn({ err: error }, 'relay pass failed; triggers stay recorded and are retried');
    }
  }

  private async publishFresh(): Promise<void> {
    const triggers = this.fresh.splice(0);
    try {
      await this.bus.publish('trigger.fired', triggers);
    } catch (error) {
      this.caughtUp = false;
      this.metrics.countError('relay', error);
      this.logger.warn({ err: error }, `publishing ${triggers.length} trigger(s) failed; they stay recorded and a pass retries them`);
      return;
    }
    this.metrics.triggersPublished.inc(triggers.length);
    this.marks.add(triggers.map((trigger) => trigger.triggerId));
  }

  private async settled(): Promise<void> {
    await this.batches.settled();
    await this.marks.settled();
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
