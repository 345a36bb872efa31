import type { BotSnapshot, ExecutionResult } from '../executors/index.js';
import type { SubscriptionRole } from '../registry/index.js';
import type { RiskDecision } from '../risk/index.js';

/** A running bot subscribed to the trigger's condition, in one role. */
export interface Recipient {
  bot: BotSnapshot;
  role: SubscriptionRole;
  /** Other entry (exit) conditions of the bot that did not hold when the trigger's candle closed. */
  unmet: string[];
}

/** A recipient this routing pass delivered to, and what came of it. */
export interface Delivered {
  recipient: Recipient;
  result: ExecutionResult;
}

/** What one routing pass did, counted by outcome; bots whose delivery already existed count as `duplicate`. */
export interface RouteSummary {
  executed: number;
  skipped: number;
  refused: number;
  duplicate: number;
}

/** A delivery could not be completed for reasons other than the bot's own rules: the message must be retried. */
export class DeliveryFailed extends Error {}

/** Executors see a signal from outside as what it asks for: an entry or an exit. */
export function asExecutorRole(role: SubscriptionRole): SubscriptionRole {
  return role === 'signal_entry' ? 'entry' : role === 'signal_exit' ? 'exit' : role;
}

/** A bot's entry (or exit) fires only when all its entry (exit) conditions hold: the AND rule. */
export function unmetConditions({ role, unmet }: Recipient): ExecutionResult {
  return { outcome: 'skipped', reason: `other ${role} conditions did not hold: ${unmet.join(', ')}`, orderIds: [] };
}

/** An entry the account's risk limits refuse is recorded as refused with the rule; the executor is not called. */
export function refusal(decision: RiskDecision): ExecutionResult | undefined {
  return decision.allowed ? undefined : { outcome: 'refused', reason: `risk:${decision.rule}: ${decision.reason}`, orderIds: [] };
}
