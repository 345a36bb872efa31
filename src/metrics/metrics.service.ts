import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Evaluator ticks last milliseconds when nothing closed, seconds on a backlog. */
const TICK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** From a candle's close to its trigger handled: a cron period, a relay pass and a bus hop, or far more when behind. */
const LATENCY_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 120, 300, 900, 3600];
/** One notifier message: a transaction per recipient bot. */
const HANDLER_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type TickOutcome = 'ok' | 'failed';
export type DeliveryOutcome = 'handled' | 'failed';
/** What a trigger did for one bot: the notifier's route summary, outcome by outcome. */
export type ExecutionOutcome = 'executed' | 'skipped' | 'refused' | 'duplicate';
/** Where an error that is not the caller's fault happened. */
export type ErrorComponent = 'http' | 'evaluator' | 'notifier' | 'relay';

/**
 * The app's instruments, in a registry of this app instance's own: several apps in one process (the tests) never
 * share a counter, which prom-client's global `register` would make them do. Names carry the `tbo_` prefix and
 * their unit.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly ticks = this.counter('tbo_evaluator_ticks_total', 'Evaluator ticks, by outcome.', ['outcome']);
  readonly tickDuration = this.histogram('tbo_evaluator_tick_duration_seconds', 'Duration of an evaluator tick.', TICK_BUCKETS, ['outcome']);
  readonly candles = this.counter('tbo_evaluator_candles_total', 'Closed candles applied to the subscribed conditions.');
  readonly evaluations = this.counter('tbo_evaluations_total', 'Condition evaluations recorded (one per condition per closed candle).');
  readonly triggers = this.counter('tbo_triggers_total', 'Triggers recorded: a condition became true on a closed candle.');
  readonly triggersPublished = this.counter('tbo_triggers_published_total', 'Triggers published to the event bus by the outbox relay (again after a republish).');

  readonly deliveries = this.counter('tbo_trigger_deliveries_total', 'trigger.fired messages handled by the notifier, by outcome (failed ones are retried).', ['outcome']);
  readonly redeliveries = this.counter('tbo_trigger_redeliveries_total', 'trigger.fired messages delivered more than once (after a failure or a crash).');
  readonly executions = this.counter('tbo_executions_total', 'What a trigger did for each subscribed bot, by outcome.', ['outcome']);
  readonly deliveryLatency = this.histogram(
    'tbo_trigger_delivery_latency_seconds', 'From the close of the candle that fired a trigger (market time) to the trigger handled.', LATENCY_BUCKETS,
  );
  readonly handlerDuration = this.histogram('tbo_notifier_handler_duration_seconds', 'Time the notifier spent on one message, by outcome.', HANDLER_BUCKETS, ['outcome']);

  readonly errors = this.counter('tbo_errors_total', 'Failures that are not the caller\'s fault, by component and error class.', ['component', 'type']);
  readonly httpErrors = this.counter('tbo_http_errors_total', 'Error answers, by HTTP status and the body\'s error code.', ['status', 'code']);

  readonly orders = this.gauge('tbo_orders', 'Orders by status, read from the database at scrape time (the same in every replica).', ['status']);
  readonly busPending = this.gauge('tbo_bus_pending_messages', 'Messages delivered to a consumer group and not yet acknowledged.', ['topic', 'group']);
  readonly busLag = this.gauge('tbo_bus_lag_messages', 'Messages not yet delivered to a consumer group.', ['topic', 'group']);
  readonly collectorUp = this.gauge('tbo_scrape_collector_up', '1 when a scrape-time collector answered in time, 0 when it failed (its gauges are then left out).', ['collector']);

  constructor() {
    // Series exist at 0 from the start, so that rate() and alerts see the first event.
    for (const outcome of ['ok', 'failed'] satisfies TickOutcome[]) this.ticks.inc({ outcome }, 0);
    for (const outcome of ['handled', 'failed'] satisfies DeliveryOutcome[]) this.deliveries.inc({ outcome }, 0);
    for (const outcome of ['executed', 'skipped', 'refused', 'duplicate'] satisfies ExecutionOutcome[]) this.executions.inc({ outcome }, 0);
  }

  /** Runs a tick, counting it and timing it by outcome; a failed one is also counted as an evaluator error. */
  async timeTick<T extends { candles: number }>(tick: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const done = (outcome: TickOutcome) => {
      this.ticks.inc({ outcome });
      this.tickDuration.observe({ outcome }, (performance.now() - started) / 1000);
    };
    try {
      const report = await tick();
      this.candles.inc(report.candles);
      done('ok');
      return report;
    } catch (error) {
      done('failed');
      this.countError('evaluator', error);
      throw error;
    }
  }

  /** Counts a failure that is not the caller's fault, by where it happened and its class. */
  countError(component: ErrorComponent, error: unknown): void {
    this.errors.inc({ component, type: errorType(error) });
  }

  private counter<L extends string = never>(name: string, help: string, labelNames: L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private gauge<L extends string>(name: string, help: string, labelNames: L[]): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram<L extends string = never>(name: string, help: string, buckets: number[], labelNames: L[] = []): Histogram<L> {
    return new Histogram({ name, help, buckets, labelNames, registers: [this.registry] });
  }
}

/** The label for an error: its class name (a bounded set, unlike messages). */
function errorType(error: unknown): string {
  if (error instanceof Error) return error.constructor.name || error.name || 'Error';
  return typeof error;
}
