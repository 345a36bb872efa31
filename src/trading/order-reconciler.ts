import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, LessThanOrEqual, Not } from 'typeorm';
import { SingleFlight } from '../common/single-flight.js';
import { AppConfig } from '../config/index.js';
import { ExchangeConnector, type ExchangeOrder } from '../exchange/index.js';
import { OrderEntity } from './order.entity.js';
import { OrderPlacer } from './order-placer.js';
import { OrderRecorder } from './order-recorder.js';

/**
 * Keeps the app's orders in step with the exchanges: pending orders get their next placement step when due, and
 * open orders their fills (one open-orders call per account and symbol; a look-up for each order that left the list).
 * At start it reconciles everything before any bot acts again (`ready`).
 */
@Injectable()
export class OrderReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OrderReconciler.name);
  private timer?: NodeJS.Timeout;
  private readonly pass = new SingleFlight();
  private resolveReady!: () => void;
  /** Resolves once the start-up reconciliation is done: the notifier waits for it. */
  readonly ready = new Promise<void>((resolve) => (this.resolveReady = resolve));

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly connector: ExchangeConnector,
    private readonly placer: OrderPlacer,
    private readonly recorder: OrderRecorder,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.runOnce().finally(() => this.resolveReady());
    this.timer = setInterval(() => void this.runOnce(), this.config.env.RECONCILE_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.pass.idle();
  }

  /** One pass; passes never overlap. */
  runOnce(): Promise<void> {
    return this.pass.run(() =>
      this.reconcile().catch((error: unknown) => this.logger.warn({ err: error }, 'reconciliation pass failed; retried on the next pass')),
    );
  }

  private async reconcile(): Promise<void> {
    const orders = this.db.getRepository(OrderEntity);
    const due = await orders.find({ where: [{ status: 'pending', nextAttemptAt: IsNull() }, { status: 'pending', nextAttemptAt: LessThanOrEqual(new Date()) }], select: { id: true } });
    if (due.length > 0) await this.placer.submit(due.map((o) => o.id));
    const toCancel = await orders.find({ where: { status: In(['pending', 'open', 'partially_filled']), cancelRequestedAt: Not(IsNull()) }, select: { id: true } });
    if (toCancel.length > 0) await this.placer.cancel(toCancel.map((o) => o.id));
    const open = await orders.find({ where: { status: In(['open', 'partially_filled']) } });
    for (const group of groupByMarket(open).values()) await this.refresh(group);
  }

  private async refresh(group: OrderEntity[]): Promise<void> {
    const { exchangeAccountId, symbol } = group[0];
    const gateway = await this.connector.gateway(exchangeAccountId);
    const stillOpen = new Map((await gateway.fetchOpenOrders(symbol)).map((o) => [o.clientOrderId, o]));
    for (const order of group) {
      const answer: ExchangeOrder | null = stillOpen.get(order.clientOrderId) ?? (await gateway.fetchOrder(symbol, order.clientOrderId));
      if (answer) {
        if (answer.status !== order.status || answer.filled !== order.filled) await this.recorder.record(order.id, answer);
        continue;
      }
      await this.handleMissing(order);
    }
  }

  /** An open order the exchange no longer knows counts as gone only after several answers spread over time. */
  private async handleMissing(order: OrderEntity): Promise<void> {
    const count = order.notFoundCount + 1;
    const firstAt = order.firstNotFoundAt ?? new Date();
    const { ORDER_MISSING_CHECKS: checks, ORDER_MISSING_AFTER_MS: window } = this.config.env;
    if (count >= checks && Date.now() - firstAt.getTime() >= window) {
      await this.db.getRepository(OrderEntity).update(order.id, { status: 'canceled', error: `missing on the exchange after ${count} look-ups` });
      this.logger.warn({ orderId: order.id, botId: order.botId, dealId: order.dealId }, 'open order missing on the exchange: marked canceled');
      return;
    }
    await this.db.getRepository(OrderEntity).update(order.id, { notFoundCount: count, firstNotFoundAt: firstAt });
  }
}

function groupByMarket(orders: OrderEntity[]): Map<string, OrderEntity[]> {
  const groups = new Map<string, OrderEntity[]>();
  for (const order of orders) {
    const key = `${order.exchangeAccountId}|${order.symbol}`;
    const group = groups.get(key);
    if (group) group.push(order);
    else groups.set(key, [order]);
  }
  return groups;
}
