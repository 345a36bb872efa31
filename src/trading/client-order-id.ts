import { hash } from 'node:crypto';

/**
 * The order's id at the exchange, fixed before it is sent: the same (bot, deal, leg, sequence) always gives
 * the same id, so a resend after a timeout finds the first order instead of placing a second.
 * 32 characters of [a-z0-9], within every major exchange's limit (Binance: 36).
 */
export function clientOrderId(botId: string, dealId: string, leg: string, sequence: number): string {
  // One-shot `hash`: the same digest as createHash(…).update(…).digest(…) at less than half the cost, per order opened.
  return `tbo${hash('sha256', `${botId}|${dealId}|${leg}|${sequence}`, 'hex').slice(0, 29)}`;
}
