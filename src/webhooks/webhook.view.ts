import { ApiProperty } from '@nestjs/swagger';
import { WEBHOOK_EVENTS, type WebhookEvent } from './webhook-events.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from './dto/deliveries-query.dto.js';

/** A webhook as the API shows it: never its secret. */
export class WebhookView {
  @ApiProperty({ example: '3f1c2a9e-7b1d-4c55-9a0e-2b8f0d6c1e42', type: String })
  id: string;

  @ApiProperty({ example: 'https://example.com/hooks/trading', type: String })
  url: string;

  @ApiProperty({ example: ['deal.opened', 'deal.closed'], enum: WEBHOOK_EVENTS, isArray: true, type: String })
  events: WebhookEvent[];

  @ApiProperty({ example: 'deal alerts to our chat relay', nullable: true, type: String })
  description: string | null;

  @ApiProperty({ example: '2024-01-01T12:00:00.000Z', type: String })
  createdAt: string;
}

/** The answer of `POST /webhooks`: the only one that carries the signing secret. */
export class CreatedWebhookView extends WebhookView {
  @ApiProperty({ example: 'whsec_Vq3xk2...', description: 'the HMAC key (the whole string); shown this once, keep it', type: String })
  secret: string;
}

export class WebhookPage {
  @ApiProperty({ type: [WebhookView] })
  items: WebhookView[];

  @ApiProperty({ example: null, nullable: true, type: String })
  nextCursor: string | null;
}

export class DeliveryAttemptView {
  @ApiProperty({ example: 1, type: Number })
  attempt: number;

  @ApiProperty({ example: '2024-01-01T12:00:01.000Z', type: String })
  at: string;

  @ApiProperty({ example: 500, nullable: true, type: Number, description: 'null when no answer came (refused, unreachable, timed out)' })
  statusCode: number | null;

  @ApiProperty({ example: 'answered 500', nullable: true, type: String })
  error: string | null;

  @ApiProperty({ example: 42, type: Number })
  durationMs: number;
}

export class WebhookDeliveryView {
  @ApiProperty({ example: 'b7e9f7d2-2f0a-4d7e-8f59-1a8d3c1b9e10', description: 'the Webhook-Id header, the same on every attempt', type: String })
  id: string;

  @ApiProperty({ example: 'deal.closed', type: String })
  event: string;

  @ApiProperty({ example: '5d6f7a8b-1c2d-4e3f-9a0b-1c2d3e4f5a6b', nullable: true, type: String })
  dealId: string | null;

  @ApiProperty({ example: 'delivered', enum: DELIVERY_STATUSES, type: String })
  status: DeliveryStatus;

  @ApiProperty({ example: 2, type: Number })
  attempts: number;

  @ApiProperty({ example: 200, nullable: true, type: Number })
  lastStatusCode: number | null;

  @ApiProperty({ example: null, nullable: true, type: String })
  lastError: string | null;

  @ApiProperty({ example: null, nullable: true, type: String, description: 'when a pending delivery is tried next' })
  nextAttemptAt: string | null;

  @ApiProperty({ example: '2024-01-01T12:00:00.000Z', type: String })
  createdAt: string;

  @ApiProperty({ example: '2024-01-01T12:00:31.000Z', nullable: true, type: String, description: 'when it was delivered or failed for good' })
  finishedAt: string | null;

  @ApiProperty({ type: [DeliveryAttemptView] })
  history: DeliveryAttemptView[];

  @ApiProperty({ example: { id: 'b7e9f7d2-…', type: 'deal.closed', timestamp: '2024-01-01T12:00:00.000Z', data: { deal: {}, event: {} } }, description: 'the body sent', type: Object })
  payload: object;
}

export class WebhookDeliveryPage {
  @ApiProperty({ type: [WebhookDeliveryView] })
  items: WebhookDeliveryView[];

  @ApiProperty({ example: null, nullable: true, type: String })
  nextCursor: string | null;
}

export class TestDeliveryView {
  @ApiProperty({ example: 'b7e9f7d2-2f0a-4d7e-8f59-1a8d3c1b9e10', description: 'the test delivery, listed in /webhooks/:id/deliveries', type: String })
  deliveryId: string;
}

export interface WebhookRow {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  created_at: Date;
}

export interface DeliveryRow {
  id: string;
  event: string;
  deal_id: string | null;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  created_at: Date;
  finished_at: Date | null;
  history: DeliveryAttemptView[];
  body: string;
}

export function toWebhookView(row: WebhookRow): WebhookView {
  return { id: row.id, url: row.url, events: row.events as WebhookEvent[], description: row.description, createdAt: row.created_at.toISOString() };
}

export function toDeliveryView(row: DeliveryRow): WebhookDeliveryView {
  return {
    id: row.id, event: row.event, dealId: row.deal_id, status: row.status, attempts: row.attempts, lastStatusCode: row.last_status_code,
    lastError: row.last_error, nextAttemptAt: row.status === 'pending' ? (row.next_attempt_at?.toISOString() ?? null) : null,
    createdAt: row.created_at.toISOString(), finishedAt: row.finished_at?.toISOString() ?? null, history: row.history, payload: JSON.parse(row.body),
  };
}
