import { TEST_EVENT, type WebhookEvent } from './webhook-events.js';

/** A deal's row as the outbox reads it (numeric columns arrive as text). */
export interface DealRow {
  id: string;
  bot_id: string;
  bot_name: string;
  exchange_account_id: string;
  symbol: string;
  direction: string;
  status: string;
  opened_at: Date;
  closed_at: Date | null;
  amount: string;
  cost: string;
  average_entry: string | null;
  fees: string;
  realized_pnl: string;
  safety_orders_filled: number;
  close_reason: string | null;
  last_error: string | null;
}

/** What caused the notification: the deal's timeline entry. */
export interface DealEventRecord {
  dealId: string;
  at: number;
  type: string;
  reason: string | null;
  data: Record<string, unknown>;
}

const number = (value: string | null) => (value === null ? null : Number(value));

/**
 * The JSON body of a delivery, signed as is on every attempt. `id` is the Webhook-Id header (what a receiver
 * dedupes by), `timestamp` the deal event's time (market time), `data.deal` the deal as it stands after the event.
 */
export function dealEventBody(id: string, type: WebhookEvent, event: DealEventRecord, deal: DealRow): string {
  return JSON.stringify({
    id,
    type,
    timestamp: new Date(event.at).toISOString(),
    data: {
      deal: {
        id: deal.id, botId: deal.bot_id, botName: deal.bot_name, exchangeAccountId: deal.exchange_account_id, symbol: deal.symbol,
        direction: deal.direction, status: deal.status, openedAt: deal.opened_at.toISOString(), closedAt: deal.closed_at?.toISOString() ?? null,
        amount: number(deal.amount), cost: number(deal.cost), averageEntry: number(deal.average_entry), fees: number(deal.fees),
        realizedPnl: number(deal.realized_pnl), safetyOrdersFilled: deal.safety_orders_filled, closeReason: deal.close_reason, lastError: deal.last_error,
      },
      event: { type: event.type, reason: event.reason, data: event.data },
    },
  });
}

export function testBody(id: string, webhookId: string, at: number): string {
  return JSON.stringify({ id, type: TEST_EVENT, timestamp: new Date(at).toISOString(), data: { webhookId, message: 'a test delivery, sent on request' } });
}
