import { Injectable, Logger } from '@nestjs/common';
import type { OrderEntity } from './order.entity.js';

export type OrderListener = (order: OrderEntity) => Promise<void>;

/**
 * Tells deal owners (the executors) that an order changed, after the change is committed. A listener that fails is
 * logged and not retried from here: deals are also brought up to date on every tick, so nothing depends on this call.
 */
@Injectable()
export class OrderEvents {
  private readonly logger = new Logger(OrderEvents.name);
  private readonly listeners: OrderListener[] = [];

  subscribe(listener: OrderListener): void {
    this.listeners.push(listener);
  }

  async emit(order: OrderEntity): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(order);
      } catch (error) {
        this.logger.warn({ err: error, orderId: order.id, dealId: order.dealId }, 'order listener failed; the next tick catches up');
      }
    }
  }
}
