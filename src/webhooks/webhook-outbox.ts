import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../clock/index.js';
import { DealsService } from '../trading/index.js';
import { TEST_EVENT, webhookEventOf, type WebhookEvent } from './webhook-events.js';
import { dealEventBody, testBody, type DealEventRecord, type DealRow } from './webhook-payload.js';

interface NewDelivery {
  id: string;
  webhookId: string;
  body: string;
}

/**
 * Enqueues deliveries in the transaction of the deal event that causes them (the outbox): they commit or roll back
 * with it, so an event is never announced that did not happen, nor lost once it did. Trading knows nothing of
 * webhooks; it runs the hook registered here on every timeline event.
 */
@Injectable()
export class WebhookOutbox implements OnModuleInit {
  constructor(
    private readonly deals: DealsService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.deals.onEvent((manager, event) => this.enqueueDealEvent(manager, event));
  }

  /** One query for an event that notifies and no webhook wants; none for the other timeline events. */
  async enqueueDealEvent(manager: EntityManager, event: DealEventRecord): Promise<void> {
    const type = webhookEventOf(event.type);
    if (!type) return;
    const rows: (DealRow & { webhook_id: string })[] = await manager.query(
      `SELECT w.id AS webhook_id, d.id, d.bot_id, b.name AS bot_name, d.exchange_account_id, d.symbol, d.direction, d.status, d.opened_at,
              d.closed_at, d.amount, d.cost, d.average_entry, d.fees, d.realized_pnl, d.safety_orders_filled, d.close_reason, d.last_error
       FROM deals d JOIN bots b ON b.id = d.bot_id JOIN webhooks w ON w.account_id = b.account_id
       WHERE d.id = $1 AND $2 = ANY(w.events) ORDER BY w.created_at, w.id`,
      [event.dealId, type],
    );
    const deliveries = rows.map((row) => {
      const id = randomUUID();
      return { id, webhookId: row.webhook_id, body: dealEventBody(id, type, event, row) };
    });
    await this.insert(manager, type, event.dealId, deliveries);
  }

  /** A `webhook.test` delivery, due now. */
  async enqueueTest(manager: EntityManager, webhookId: string): Promise<string> {
    const id = randomUUID();
    await this.insert(manager, TEST_EVENT, null, [{ id, webhookId, body: testBody(id, webhookId, this.clock.now()) }]);
    return id;
  }

  private async insert(manager: EntityManager, event: WebhookEvent | typeof TEST_EVENT, dealId: string | null, deliveries: NewDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    const now = new Date(this.clock.now());
    await manager.query(
      `INSERT INTO webhook_deliveries (id, webhook_id, event, deal_id, body, next_attempt_at, created_at)
       SELECT id, webhook_id, $3, $4, body, $5, $5 FROM unnest($1::uuid[], $2::uuid[], $6::text[]) AS d(id, webhook_id, body)`,
      [deliveries.map((d) => d.id), deliveries.map((d) => d.webhookId), event, dealId, now, deliveries.map((d) => d.body)],
    );
  }
}
