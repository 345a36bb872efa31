import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../clock/index.js';
import { EventBus, type Consumer, type Delivery, type TriggerFiredV1 } from '../event-bus/index.js';
import { Metrics, type DeliveryOutcome, type ExecutionOutcome } from '../metrics/index.js';
import { OrderReconciler } from '../trading/index.js';
import { TriggerRouter } from './trigger-router.js';

export const NOTIFIER_GROUP = 'notifier';
const EXECUTION_OUTCOMES: ExecutionOutcome[] = ['executed', 'skipped', 'refused', 'duplicate'];

/** Consumes `trigger.fired`; a message is acknowledged only once the router's effects are committed. */
@Injectable()
export class NotifierConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(NotifierConsumer.name);
  private consumer?: Consumer;
  readonly name = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly bus: EventBus,
    private readonly router: TriggerRouter,
    private readonly reconciler: OrderReconciler,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // No bot acts before every order left by the last run is reconciled with its exchange.
    await this.reconciler.ready;
    this.consumer = await this.bus.consume('trigger.fired', { group: NOTIFIER_GROUP, consumer: this.name }, (delivery) => this.handle(delivery));
    this.logger.log(`notifier consuming trigger.fired as ${this.name}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  /** Routes one message, counting what it did for each bot, how long it took, and how long after its candle closed. */
  private async handle({ payload, deliveryCount }: Delivery<TriggerFiredV1>): Promise<void> {
    const context = { triggerId: payload.triggerId, conditionId: payload.conditionId, conditionKey: payload.conditionKey };
    if (deliveryCount > 1) {
      this.metrics.redeliveries.inc();
      this.logger.warn({ ...context, deliveryCount }, 'trigger redelivered');
    }
    const started = performance.now();
    let outcome: DeliveryOutcome = 'failed';
    try {
      const summary = await this.router.route(payload);
      outcome = 'handled';
      for (const result of EXECUTION_OUTCOMES) this.metrics.executions.inc({ outcome: result }, summary[result]);
      // Market time, like the candle's: in a replay the latency is as the simulated trader lives it.
      this.metrics.deliveryLatency.observe(Math.max(0, this.clock.now() - payload.candleCloseTime) / 1000);
      this.logger.debug({ ...context, ...summary }, 'trigger routed');
    } catch (error) {
      this.metrics.countError('notifier', error);
      throw error;
    } finally {
      this.metrics.deliveries.inc({ outcome });
      this.metrics.handlerDuration.observe({ outcome }, (performance.now() - started) / 1000);
    }
  }
}
