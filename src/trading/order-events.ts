import { Injectable, Logger } from '@nestjs/common';
import type { OrderEntity } from './order.entity.js';

export type OrderListener = (order: OrderEntity) => Promise<void>;
/** Hears of the orders a batch changed (the placer's batch path) in one call, in their order. */
export type OrderBatchListener = (orders: OrderEntity[]) => Promise<void>;

/**
 * Tells deal owners (the executors) that orders changed, after the change is committed. A listener that fails is
 * logged and not retried from here: deals are also brought up to date on every tick, so nothing depends on this call.
 * A listener takes orders one at a time or, subscribed with `subscribeBatch`, a batch's orders at once.
 */
@Injectable()
export class OrderEvents {
  private readonly logger = new Logger(OrderEvents.name);
  private readonly listeners: OrderBatchListener[] = [];

  subscribe(listener: OrderListener): void {
    this.listeners.push(async (orders) => {
      for (const order of orders) await this.safely([order], () => listener(order));
    });
  }

  subscribeBatch(listener: OrderBatchListener): void {
    this.listeners.push((orders) => this.safely(orders, () => listener(orders)));
  }

  emit(order: OrderEntity): Promise<void> {
    return this.emitMany([order]);
  }

  async emitMany(orders: OrderEntity[]): Promise<void> {
    if (orders.length === 0) return;
    for (const listener of this.listeners) await listener(orders);
  }

  private async safely(orders: OrderEntity[], call: () => Promise<void>): Promise<void> {
    try {
      await call();
    } catch (error) {
      const which = orders.length === 1 ? { orderId: orders[0].id, dealId: orders[0].dealId } : { orders: orders.length, firstOrderId: orders[0].id };
      this.logger.warn({ err: error, ...which }, 'order listener failed; the next tick catches up');
    }
  }
}
