import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventBus, type Consumer } from '../event-bus/index.js';
import { OrderReconciler } from '../trading/index.js';
import { TriggerRouter } from './trigger-router.js';

export const NOTIFIER_GROUP = 'notifier';

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
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // No bot acts before every order left by the last run is reconciled with its exchange.
    await this.reconciler.ready;
    this.consumer = await this.bus.consume('trigger.fired', { group: NOTIFIER_GROUP, consumer: this.name }, async (delivery) => {
      if (delivery.deliveryCount > 1) this.logger.warn({ triggerId: delivery.payload.triggerId, deliveryCount: delivery.deliveryCount }, 'trigger redelivered');
      await this.router.route(delivery.payload);
    });
    this.logger.log(`notifier consuming trigger.fired as ${this.name}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}
