/** The events an account may subscribe a webhook to. */
export const WEBHOOK_EVENTS = ['deal.opened', 'deal.safety_filled', 'deal.closed', 'deal.error'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Sent by `POST /webhooks/:id/test` only, whatever the webhook subscribes to. */
export const TEST_EVENT = 'webhook.test' as const;

/**
 * Deal timeline events (`deal_events.type`) that notify, and as what. `canceled` is the error: a deal that ended
 * without its position being closed, because its base order was refused or canceled, or because it was abandoned
 * (`POST /deals/:id/cancel`, a grid bot stopped). Every other timeline event stays in the timeline only.
 */
const BY_DEAL_EVENT: Record<string, WebhookEvent> = {
  opened: 'deal.opened',
  safety_order_filled: 'deal.safety_filled',
  closed: 'deal.closed',
  canceled: 'deal.error',
};

export function webhookEventOf(dealEventType: string): WebhookEvent | undefined {
  return Object.hasOwn(BY_DEAL_EVENT, dealEventType) ? BY_DEAL_EVENT[dealEventType] : undefined;
}
