import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { selectEntities } from '../common/entity-rows.js';
import { AppConfig } from '../config/index.js';
import { ExchangeConnector, ExchangeUnavailable, OrderRejected, prepareOrder, type ExchangeGateway } from '../exchange/index.js';
import { OrderBatchSender } from './order-batch-sender.js';
import { OrderEntity } from './order.entity.js';
import { OrderRecorder } from './order-recorder.js';
import { describe, toRequest } from './order-request.js';

const MAX_BACKOFF_MS = 60_000;

/**
 * Sends orders recorded as `pending`, each under its fixed client order id, and never twice:
 * - before the first send the order is rounded to the market's rules (or refused with the reason), and the start
 *   of the send is committed, so a crash or timeout after it leaves an order whose outcome is known to be unknown;
 * - such an order is looked up by client order id before anything else, and resent (same id) only after several
 *   not-found answers spread over ORDER_MISSING_AFTER_MS, since exchanges report fresh orders late;
 * - network errors and rate limits are retried with backoff; refusals are recorded and never retried.
 */
@Injectable()
export class OrderPlacer implements OnApplicationShutdown {
  private readonly logger = new Logger(OrderPlacer.name);
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Orders queued or being worked on: a second pass must not queue them again behind themselves. */
  private readonly inFlight = new Set<string>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly connector: ExchangeConnector,
    private readonly recorder: OrderRecorder,
    private readonly config: AppConfig,
    private readonly batch: OrderBatchSender,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  /** Queues the orders, one at a time in submission order; resolves when each has had its attempt. */
  submit(orderIds: string[]): Promise<void> {
    const fresh = orderIds.filter((id) => !this.inFlight.has(id));
    for (const id of fresh) this.inFlight.add(id);
    const run = this.queue.then(() => this.attemptAll(fresh)).finally(() => fresh.forEach((id) => this.inFlight.delete(id)));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Queues cancellations of orders marked for it; each ends as the exchange says (canceled, or filled meanwhile). */
  cancel(orderIds: string[]): Promise<void> {
    const run = this.queue.then(() => this.cancelAll(orderIds));
    this.queue = run.catch(() => undefined);
    return run;
  }

  idle(): Promise<void> {
    return this.queue;
  }

  private async attemptAll(orderIds: string[]): Promise<void> {
    if (this.stopped || orderIds.length === 0) return;
    const now = Date.now();
    // In creation order; orders created together (a routing chunk's) in the order they were submitted, the decisions'.
    const position = new Map(orderIds.map((id, i) => [id, i]));
    const pending = await selectEntities(this.db.manager, OrderEntity, 'o', (columns) => `SELECT ${columns} FROM orders o WHERE o.id = ANY($1::uuid[]) AND o.status = 'pending'`, [orderIds]);
    const orders = pending.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || position.get(a.id)! - position.get(b.id)!);
    // An order postponed (Retry-After, backoff, waiting between look-ups) waits for its time, whoever asks.
    const due = orders.filter((o) => o.nextAttemptAt === null || o.nextAttemptAt.getTime() <= now);
    const fresh = due.filter((o) => o.sendStartedAt === null && o.cancelRequestedAt === null);
    const sent = await this.batch.sendTogether(fresh, (order, error) => this.failed(order, error), () => this.stopped);
    for (const order of due) {
      if (this.stopped) return;
      if (sent.has(order)) continue;
      if (order.cancelRequestedAt && order.sendStartedAt === null) await this.recorder.cancelUnsent(order);
      else await this.attempt(order);
    }
  }

  private async cancelAll(orderIds: string[]): Promise<void> {
    if (this.stopped || orderIds.length === 0) return;
    const orders = await this.db.getRepository(OrderEntity).find({ where: { id: In(orderIds), status: In(['pending', 'open', 'partially_filled']) } });
    for (const order of orders) if (!this.stopped) await this.cancelOne(order);
  }

  private async cancelOne(order: OrderEntity): Promise<void> {
    const context = { orderId: order.id, clientOrderId: order.clientOrderId, botId: order.botId, dealId: order.dealId };
    if (order.status === 'pending' && order.sendStartedAt === null) return this.recorder.cancelUnsent(order);
    // An order whose placement outcome is unknown is found first; it is canceled on a later pass once known.
    if (order.status === 'pending') return this.attempt(order);
    try {
      const gateway = await this.connector.gateway(order.exchangeAccountId);
      const answer = await gateway.cancelOrder(order.symbol, order.clientOrderId);
      await this.recorder.record(order.id, answer);
      this.logger.log({ ...context, status: answer.status, filled: answer.filled }, 'order cancel settled');
    } catch (error) {
      this.logger.warn({ ...context, err: error }, 'cancel not confirmed yet; it is tried again on the next pass');
    }
  }

  /** One step of an order's placement: first send, look-up after an unknown outcome, or resend. */
  async attempt(order: OrderEntity): Promise<void> {
    const context = { orderId: order.id, clientOrderId: order.clientOrderId, botId: order.botId, dealId: order.dealId };
    let gateway: ExchangeGateway;
    try {
      gateway = await this.connector.gateway(order.exchangeAccountId);
      if (order.sendStartedAt !== null) {
        const found = await gateway.fetchOrder(order.symbol, order.clientOrderId);
        if (found) {
          await this.recorder.record(order.id, found);
          this.logger.log({ ...context, status: found.status }, 'order found after an unknown outcome');
          return;
        }
        if (!(await this.missingLongEnough(order))) return;
        this.logger.warn(context, 'order still unknown to the exchange after repeated look-ups: sending it again under the same id');
      }
      await this.send(gateway, order);
    } catch (error) {
      await this.failed(order, error);
    }
  }

  /** A refusal is recorded and never retried; anything else leaves the order pending, tried again after a backoff. */
  private async failed(order: OrderEntity, error: unknown): Promise<void> {
    if (error instanceof OrderRejected) return this.recorder.reject(order, error);
    const delay = this.backoff(order, error);
    await this.recorder.postpone(order, new Date(Date.now() + delay), describe(error));
    const context = { orderId: order.id, clientOrderId: order.clientOrderId, botId: order.botId, dealId: order.dealId };
    this.logger.warn({ ...context, err: error, retryInMs: delay }, 'order placement interrupted; it stays pending and is tried again');
  }

  private async send(gateway: ExchangeGateway, order: OrderEntity): Promise<void> {
    const rules = await gateway.marketRules(order.symbol);
    const request = prepareOrder(toRequest(order), rules, order.price ?? undefined);
    // The claim: only the process whose update matches the attempt count it read may send. Another replica (or a
    // second pass of this one) that read the same row finds it changed and leaves the order alone.
    const claimed = await this.db
      .getRepository(OrderEntity)
      .createQueryBuilder()
      .update()
      .set({
        sendStartedAt: new Date(),
        attempts: order.attempts + 1,
        amount: request.amount ?? order.amount,
        price: request.price ?? order.price,
        quoteAmount: request.quoteAmount ?? order.quoteAmount,
        notFoundCount: 0,
        firstNotFoundAt: null,
      })
      .where(`id = :id AND attempts = :attempts AND status = 'pending'`, { id: order.id, attempts: order.attempts })
      .execute();
    if (claimed.affected !== 1) {
      this.logger.debug({ orderId: order.id }, 'order claimed by another process; not sending');
      return;
    }
    order.sendStartedAt = new Date();
    const answer = await gateway.createOrder(request);
    await this.recorder.record(order.id, answer);
    this.logger.log({ orderId: order.id, clientOrderId: order.clientOrderId, botId: order.botId, dealId: order.dealId, status: answer.status, filled: answer.filled, average: answer.average }, 'order placed');
  }

  /** Counts a not-found answer; true once there were enough of them over a long enough time to resend. */
  private async missingLongEnough(order: OrderEntity): Promise<boolean> {
    const { ORDER_MISSING_CHECKS: checks, ORDER_MISSING_AFTER_MS: window } = this.config.env;
    const count = order.notFoundCount + 1;
    const firstAt = order.firstNotFoundAt ?? new Date();
    if (count >= checks && Date.now() - firstAt.getTime() >= window) return true;
    const next = new Date(Date.now() + Math.max(window / checks, 10));
    await this.recorder.postpone(order, next, `not found on the exchange yet (${count} look-up(s))`, { count, firstAt });
    return false;
  }

  private backoff(order: OrderEntity, error: unknown): number {
    if (error instanceof ExchangeUnavailable && error.retryAfterMs !== undefined) return error.retryAfterMs;
    return Math.min(this.config.env.ORDER_RETRY_BASE_MS * 2 ** Math.min(order.attempts, 10), MAX_BACKOFF_MS);
  }
}
