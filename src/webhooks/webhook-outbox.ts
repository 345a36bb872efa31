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
  event: WebhookEvent | typeof TEST_EVENT;
  dealId: string | null;
  body: string;
}

/**
 * Enqueues deliveries in the transaction of the deal events that cause them (the outbox): they commit or roll back
 * with them, so an event is never announced that did not happen, nor lost once it did. Trading knows nothing of
 * webhooks; it hands the events it records together (hundreds when one trigger opens deals for many bots) to the
 * hook registered here, which costs one query for the whole batch.
 */
@Injectable()
export class WebhookOutbox implements OnModuleInit {
  constructor(
    private readonly deals: DealsService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.deals.onEvents((manager, events) => this.enqueueDealEvents(manager, events));
  }

  /** One query for a batch with events that notify (none for the other timeline events), one insert if any is wanted. */
  async enqueueDealEvents(manager: EntityManager, events: DealEventRecord[]): Promise<void> {
    const notifying = events.flatMap((event) => {
      const type = webhookEventOf(event.type);
      return type ? [{ event, type }] : [];
    });
    if (notifying.length === 0) return;
    const rows: (DealRow & { webhook_id: string; webhook_events: string[] })[] = await manager.query(
      `SELECT w.id AS webhook_id, w.events AS webhook_events, d.id, d.bot_id, b.name AS bot_name, d.exchange_account_id, d.symbol,
              d.direction, d.status, d.opened_at, d.closed_at, d.amount, d.cost, d.average_entry, d.fees, d.realized_pnl,
              d.safety_orders_filled, d.close_reason, d.last_error
       FROM deals d JOIN bots b ON b.id = d.bot_id JOIN webhooks w ON w.account_id = b.account_id
       WHERE d.id = ANY($1::uuid[]) AND w.events && $2::text[] ORDER BY w.created_at, w.id`,
      [[...new Set(notifying.map((n) => n.event.dealId))], [...new Set(notifying.map((n) => n.type))]],
    );
    if (rows.length === 0) return;
    const deliveries = notifying.flatMap(({ event, type }) =>
      rows
        .filter((row) => row.id === event.dealId && row.webhook_events.includes(type))
        .map((row) => {
          const id = randomUUID();
          return { id, webhookId: row.webhook_id, event: type, dealId: event.dealId, body: dealEventBody(id, type, event, row) };
        }),
    );
    await this.insert(manager, deliveries);
  }

  /** A `webhook.test` delivery, due now. */
  async enqueueTest(manager: EntityManager, webhookId: string): Promise<string> {
    const id = randomUUID();
    await this.insert(manager, [{ id, webhookId, event: TEST_EVENT, dealId: null, body: testBody(id, webhookId, this.clock.now()) }]);
    return id;
  }

  private async insert(manager: EntityManager, deliveries: NewDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    const now = new Date(this.clock.now());
    await manager.query(
      `INSERT INTO webhook_deliveries (id, webhook_id, event, deal_id, body, next_attempt_at, created_at)
       SELECT id, webhook_id, event, deal_id, body, $6, $6
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::text[]) AS d(id, webhook_id, event, deal_id, body)`,
      [deliveries.map((d) => d.id), deliveries.map((d) => d.webhookId), deliveries.map((d) => d.event), deliveries.map((d) => d.dealId), deliveries.map((d) => d.body), now],
    );
  }
}
