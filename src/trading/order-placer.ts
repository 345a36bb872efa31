import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { ExchangeConnector, OrderRejected, type ExchangeOrder } from '../exchange/index.js';
import { DealsService, fillDelta } from './deals.service.js';
import { OrderEntity } from './order.entity.js';

/**
 * Sends orders recorded as `pending` and records the exchange's answer. Every send carries the order's fixed client
 * order id, so a resend (after a crash, or an unknown outcome) finds the first order instead of placing another.
 */
@Injectable()
export class OrderPlacer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OrderPlacer.name);
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly connector: ExchangeConnector,
    private readonly deals: DealsService,
  ) {}

  /** Orders left pending by a crash between recording and sending are sent (or found) again at start. */
  async onApplicationBootstrap(): Promise<void> {
    const pending = await this.db.getRepository(OrderEntity).find({ where: { status: 'pending' }, select: { id: true } });
    if (pending.length > 0) {
      this.logger.log(`resuming ${pending.length} pending order(s) left by the last run`);
      void this.submit(pending.map((o) => o.id));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  /** Queues the orders for sending, one at a time in submission order; resolves when they are done. */
  submit(orderIds: string[]): Promise<void> {
    const run = this.queue.then(() => this.placeAll(orderIds));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves when everything submitted so far has been sent and recorded. */
  idle(): Promise<void> {
    return this.queue;
  }

  private async placeAll(orderIds: string[]): Promise<void> {
    if (this.stopped || orderIds.length === 0) return;
    const orders = await this.db.getRepository(OrderEntity).find({ where: { id: In(orderIds), status: 'pending' }, order: { createdAt: 'ASC' } });
    for (const order of orders) await this.place(order);
  }

  private async place(order: OrderEntity): Promise<void> {
    const context = { orderId: order.id, clientOrderId: order.clientOrderId, botId: order.botId, dealId: order.dealId };
    try {
      const gateway = await this.connector.gateway(order.exchangeAccountId);
      const answer = await gateway.createOrder({
        clientOrderId: order.clientOrderId,
        symbol: order.symbol,
        side: order.side,
        type: order.type,
        amount: order.amount ?? undefined,
        quoteAmount: order.quoteAmount ?? undefined,
        price: order.price ?? undefined,
        decidedAt: order.decidedAt.getTime(),
      });
      await this.record(order, answer);
      this.logger.log({ ...context, status: answer.status, filled: answer.filled, average: answer.average }, 'order placed');
    } catch (error) {
      if (!(error instanceof OrderRejected)) {
        // Outcome unknown or exchange unreachable: the order stays pending and is retried with the same client id.
        this.logger.warn({ ...context, err: error }, 'order not placed yet; it stays pending for a retry');
        return;
      }
      await this.reject(order, error);
      this.logger.warn({ ...context, reason: error.reason, error: error.message }, 'order rejected');
    }
  }

  private async record(order: OrderEntity, answer: ExchangeOrder): Promise<void> {
    await this.db.transaction(async (manager) => {
      const delta = fillDelta(order, answer);
      await manager.update(OrderEntity, order.id, {
        status: answer.status,
        exchangeOrderId: answer.exchangeOrderId,
        amount: answer.amount,
        filled: answer.filled,
        average: answer.average,
        fee: answer.fee,
        feeCurrency: answer.feeCurrency,
      });
      await this.deals.applyFill(manager, order, delta.filled, delta.cost, delta.fee);
    });
  }

  private async reject(order: OrderEntity, error: OrderRejected): Promise<void> {
    await this.db.transaction(async (manager) => {
      await manager.update(OrderEntity, order.id, { status: 'rejected', error: `${error.reason}: ${error.message}` });
      if (order.dealId) await this.deals.cancelUnopened(manager, order.dealId, `base order rejected: ${error.message}`, order.decidedAt);
    });
  }
}
