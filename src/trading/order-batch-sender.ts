import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ExchangeConnector, prepareOrder, type ExchangeGateway, type ExchangeOrder, type MarketRules, type OrderRequest } from '../exchange/index.js';
import type { OrderEntity } from './order.entity.js';
import { OrderRecorder } from './order-recorder.js';
import { toRequest } from './order-request.js';

/** What the placer does with an order whose step failed (refusal recorded, or postponed with backoff). */
export type SendFailure = (order: OrderEntity, error: unknown) => Promise<void>;

/**
 * First sends of many orders of one account, through a gateway that takes them together (`createOrders`): one claim,
 * one placement, one recording instead of one of each per order. Each order goes through the steps OrderPlacer.send
 * takes for one, set-based: rounded to the market's rules, claimed (one UPDATE for all, the same attempt-count
 * check), placed in one call, and the answers recorded in one transaction.
 */
@Injectable()
export class OrderBatchSender {
  private readonly logger = new Logger(OrderBatchSender.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly recorder: OrderRecorder,
    private readonly connector: ExchangeConnector,
  ) {}

  /**
   * First sends of several orders on one account whose gateway takes them together go as one batch; answers the
   * orders it handled (sent, refused or postponed), the others are left to OrderPlacer's one-by-one path.
   */
  async sendTogether(fresh: OrderEntity[], failed: SendFailure, stopped: () => boolean): Promise<Set<OrderEntity>> {
    const byAccount = new Map<string, OrderEntity[]>();
    for (const order of fresh) {
      if (!byAccount.has(order.exchangeAccountId)) byAccount.set(order.exchangeAccountId, []);
      byAccount.get(order.exchangeAccountId)!.push(order);
    }
    const handled = new Set<OrderEntity>();
    for (const [accountId, orders] of byAccount) {
      if (stopped() || orders.length < 2) continue;
      const gateway = await this.connector.gateway(accountId).catch(() => undefined);
      if (!gateway?.createOrders) continue;
      await this.send(gateway, orders, failed);
      for (const order of orders) handled.add(order);
    }
    return handled;
  }

  async send(gateway: ExchangeGateway, orders: OrderEntity[], failed: SendFailure): Promise<void> {
    const rules = new Map<string, Promise<MarketRules>>();
    const ready: { order: OrderEntity; request: OrderRequest }[] = [];
    for (const order of orders) {
      try {
        if (!rules.has(order.symbol)) rules.set(order.symbol, gateway.marketRules(order.symbol));
        ready.push({ order, request: prepareOrder(toRequest(order), await rules.get(order.symbol)!, order.price ?? undefined) });
      } catch (error) {
        await failed(order, error);
      }
    }
    const claimed = await this.claim(ready);
    if (claimed.length === 0) return;
    let answers;
    try {
      answers = await gateway.createOrders!(claimed.map((c) => c.request));
    } catch (error) {
      for (const { order } of claimed) await failed(order, error);
      return;
    }
    const placed: { order: OrderEntity; answer: ExchangeOrder }[] = [];
    for (const [i, answer] of answers.entries()) {
      if ('error' in answer) await failed(claimed[i].order, answer.error);
      else placed.push({ order: claimed[i].order, answer: answer.order });
    }
    await this.record(placed, failed);
  }

  /**
   * The claim of OrderPlacer.send for many orders: only the orders whose attempt count is still the one read (no other
   * process or pass took them) get their send started, committed before anything is sent.
   */
  private async claim(ready: { order: OrderEntity; request: OrderRequest }[]): Promise<{ order: OrderEntity; request: OrderRequest }[]> {
    if (ready.length === 0) return [];
    const startedAt = new Date();
    const rows: { id: string }[] = await this.db.query(
      `WITH claimed AS (
         UPDATE orders o SET send_started_at = $6, attempts = u.attempts + 1, amount = u.amount, price = u.price, quote_amount = u.quote_amount,
           not_found_count = 0, first_not_found_at = NULL, updated_at = now()
         FROM unnest($1::uuid[], $2::int[], $3::numeric[], $4::numeric[], $5::numeric[]) AS u(id, attempts, amount, price, quote_amount)
         WHERE o.id = u.id AND o.attempts = u.attempts AND o.status = 'pending'
         RETURNING o.id)
       SELECT id FROM claimed`,
      [
        ready.map((r) => r.order.id), ready.map((r) => r.order.attempts), ready.map((r) => r.request.amount ?? r.order.amount),
        ready.map((r) => r.request.price ?? r.order.price), ready.map((r) => r.request.quoteAmount ?? r.order.quoteAmount), startedAt,
      ],
    );
    const ids = new Set(rows.map((row) => row.id));
    for (const { order } of ready) if (!ids.has(order.id)) this.logger.debug({ orderId: order.id }, 'order claimed by another process; not sending');
    const claimed = ready.filter((r) => ids.has(r.order.id));
    for (const { order } of claimed) order.sendStartedAt = startedAt;
    return claimed;
  }

  /** The answers in one transaction; if that fails, each on its own, so that one bad answer does not hold up the rest. */
  private async record(placed: { order: OrderEntity; answer: ExchangeOrder }[], failed: SendFailure): Promise<void> {
    if (placed.length === 0) return;
    try {
      await this.recorder.recordMany(placed.map((p) => ({ orderId: p.order.id, answer: p.answer })));
    } catch (error) {
      this.logger.warn({ err: error, orders: placed.length }, 'recording the batch failed; recording its orders one by one');
      for (const { order, answer } of placed) await this.recorder.record(order.id, answer).catch((e: unknown) => failed(order, e));
    }
    // One info line per batch, each order's at debug: the orders table holds what each became.
    for (const { order, answer } of placed) {
      this.logger.debug({ orderId: order.id, clientOrderId: order.clientOrderId, botId: order.botId, dealId: order.dealId, status: answer.status, filled: answer.filled, average: answer.average }, 'order placed');
    }
    this.logger.log({ exchangeAccountId: placed[0].order.exchangeAccountId, orders: placed.length }, 'orders placed together');
  }
}
