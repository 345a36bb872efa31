import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { ExchangeOrder, OrderRejected } from '../exchange/index.js';
import { DealsService } from './deals.service.js';
import { OrderEntity } from './order.entity.js';
import { OrderEvents } from './order-events.js';
import { recordAnswers, type OrderAnswerToRecord } from './recorded-answers.js';

const TERMINAL = new Set(['filled', 'canceled', 'rejected']);

export function isTerminal(status: string): boolean {
  return TERMINAL.has(status);
}

/**
 * Locks the order's deal before the order: every writer takes the deal row first (the deal manager does too),
 * so two of them can never wait on each other.
 */
async function lockDealOf(manager: EntityManager, orderId: string): Promise<void> {
  await manager.query(`SELECT 1 FROM deals WHERE id = (SELECT deal_id FROM orders WHERE id = $1) FOR UPDATE`, [orderId]);
}

/** Writes what the exchange said about an order: its status, each new fill, and the fill's effect on the deal. */
@Injectable()
export class OrderRecorder {
  private readonly logger = new Logger(OrderRecorder.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly deals: DealsService,
    private readonly events: OrderEvents,
  ) {}

  /** Idempotent: a fill already counted is not counted again (the order row is locked and compared first). */
  async record(orderId: string, answer: ExchangeOrder): Promise<OrderEntity> {
    const updated = await this.db.transaction(async (manager) => {
      await lockDealOf(manager, orderId);
      const order = await manager.findOneOrFail(OrderEntity, { where: { id: orderId }, lock: { mode: 'pessimistic_write' } });
      // Deltas in numeric, in Postgres: float arithmetic on prices and amounts never reaches a stored fill.
      const [delta] = await manager.query(
        `SELECT ($1::numeric - filled) AS filled, ($1::numeric * coalesce($2::numeric, 0) - filled * coalesce(average, 0)) AS value,
                ($3::numeric - fee) AS fee
         FROM orders WHERE id = $4`,
        [String(answer.filled), answer.average === null ? null : String(answer.average), String(answer.fee), order.id],
      );
      if (Number(delta.filled) > 0) {
        await manager.query(`INSERT INTO fills (order_id, amount, price, fee, fee_currency) VALUES ($1, $2::numeric, $3::numeric / $2::numeric, $4, $5)`, [
          order.id, delta.filled, delta.value, delta.fee, answer.feeCurrency,
        ]);
        await this.deals.applyFill(manager, order, delta.filled, delta.value, delta.fee);
      }
      const changes = {
        status: answer.status,
        exchangeOrderId: answer.exchangeOrderId,
        amount: answer.amount,
        price: answer.price ?? order.price,
        filled: Math.max(answer.filled, order.filled),
        average: answer.average,
        fee: answer.fee,
        feeCurrency: answer.feeCurrency,
        nextAttemptAt: null,
        notFoundCount: 0,
        firstNotFoundAt: null,
        error: null,
      };
      await manager.update(OrderEntity, order.id, changes);
      if (order.status !== answer.status) {
        this.logger.log({ orderId: order.id, dealId: order.dealId, botId: order.botId, from: order.status, to: answer.status, filled: answer.filled }, 'order status changed');
      }
      return { ...order, ...changes };
    });
    await this.events.emit(updated);
    return updated;
  }

  /**
   * `record` for many answers in one transaction with set-based statements (recordAnswers); the listeners hear of all
   * the orders at once after the commit. Throws when the transaction fails: nothing of it is written.
   */
  async recordMany(items: OrderAnswerToRecord[]): Promise<OrderEntity[]> {
    if (items.length === 0) return [];
    const recorded = await this.db.transaction((manager) => recordAnswers(manager, this.deals, items));
    // One info line per batch, each order's at debug: hundreds of orders change together, and the orders table holds each one's state.
    let changed = 0;
    for (const { order, from } of recorded) {
      if (from === order.status) continue;
      changed += 1;
      this.logger.debug({ orderId: order.id, dealId: order.dealId, botId: order.botId, from, to: order.status, filled: order.filled }, 'order status changed');
    }
    if (changed > 0) this.logger.log({ orders: recorded.length, changed }, 'order statuses changed together');
    const updated = recorded.map((r) => r.order);
    await this.events.emitMany(updated);
    return updated;
  }

  /** An order that never reached the exchange and is no longer wanted. */
  async cancelUnsent(order: OrderEntity): Promise<void> {
    await this.db.getRepository(OrderEntity).update({ id: order.id, status: 'pending' }, { status: 'canceled', error: 'canceled before it was sent', nextAttemptAt: null });
    await this.events.emit({ ...order, status: 'canceled' });
  }

  /** A final refusal is recorded on the order and its deal, never retried. */
  async reject(order: OrderEntity, error: OrderRejected): Promise<void> {
    const message = `${error.reason}: ${error.message}`;
    await this.db.transaction(async (manager) => {
      await lockDealOf(manager, order.id);
      await manager.update(OrderEntity, order.id, { status: 'rejected', error: message, nextAttemptAt: null });
      if (order.dealId) {
        await manager.query(`UPDATE deals SET last_error = $2 WHERE id = $1`, [order.dealId, message]);
        // Only a refused entry order means the deal never opened; a refused safety or grid order is its deal's error.
        if (order.leg === 'base') await this.deals.cancelUnopened(manager, order.dealId, `order rejected: ${message}`, order.decidedAt);
      }
    });
    this.logger.warn({ orderId: order.id, dealId: order.dealId, botId: order.botId, reason: error.reason, error: error.message }, 'order rejected');
    await this.events.emit({ ...order, status: 'rejected', error: message });
  }

  /** Leaves the order as it is, to be tried again no earlier than `at`. */
  async postpone(order: OrderEntity, at: Date, error: string, notFound?: { count: number; firstAt: Date | null }): Promise<void> {
    await this.db.getRepository(OrderEntity).update(order.id, {
      nextAttemptAt: at,
      error,
      ...(notFound && { notFoundCount: notFound.count, firstNotFoundAt: notFound.firstAt }),
    });
  }
}
