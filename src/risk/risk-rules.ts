import type { StoplossGuard } from './risk-settings.entity.js';

export type RiskRule = 'max_exposure' | 'max_open_deals' | 'daily_loss_limit' | 'stoploss_guard' | 'kill_switch';
export type RiskDecision = { allowed: true } | { allowed: false; rule: RiskRule; reason: string };

/** What a new deal asks for: `quoteAmount` is what it commits at first (a DCA deal's base order), `at` market time. */
export interface RiskRequest {
  quoteAmount: number;
  at: number;
}

/** An account's limits and stored state, times in UTC milliseconds; null is "not set". */
export interface RiskLimits {
  maxExposure: number | null;
  maxOpenDeals: number | null;
  dailyLossLimit: number | null;
  stoplossGuard: StoplossGuard | null;
  pausedUntil: number | null;
  killSwitchAt: number | null;
}

/** The account across all its bots, as of the decision. */
export interface AccountSnapshot {
  /** Quote currency: the open part of open deals' entries, plus base orders still in flight. */
  exposure: number;
  openDeals: number;
  /** Realized PnL of the deals closed since UTC midnight of the decision. */
  realizedPnlToday: number;
  /** Close times of the deals ended by a stop loss within the guard's window, ascending. */
  stopLosses: number[];
}

export const DAY_MS = 86_400_000;
export const utcDayStart = (at: number): number => Math.floor(at / DAY_MS) * DAY_MS;

const iso = (ms: number) => new Date(ms).toISOString();
const fmt = (value: number) => String(Number(value.toFixed(8)));

/** The end of the stoploss guard's pause: the stored one, or a later one when `count` stops fell within the window. */
export function pauseEnd(guard: StoplossGuard | null, stopLosses: number[], stored: number | null): number | null {
  if (!guard || stopLosses.length < guard.count) return guard ? stored : null;
  const tripped = stopLosses[stopLosses.length - 1] + guard.cooldownSeconds * 1000;
  return stored === null ? tripped : Math.max(stored, tripped);
}

/**
 * Whether the account may open one more deal, first rule that refuses wins: kill switch, stoploss guard, daily loss
 * limit, max open deals, max exposure. Also answers the stoploss guard's pause end, for the caller to keep.
 */
export function evaluateRisk(limits: RiskLimits, snapshot: AccountSnapshot, request: RiskRequest): { decision: RiskDecision; pausedUntil: number | null } {
  const pausedUntil = pauseEnd(limits.stoplossGuard, snapshot.stopLosses, limits.pausedUntil);
  const refuse = (rule: RiskRule, reason: string) => ({ decision: { allowed: false as const, rule, reason }, pausedUntil });

  if (limits.killSwitchAt !== null) return refuse('kill_switch', `kill switch engaged at ${iso(limits.killSwitchAt)}; re-arm the account to trade again`);
  if (pausedUntil !== null && request.at < pausedUntil) {
    const guard = limits.stoplossGuard!;
    return refuse('stoploss_guard', `${guard.count} stop loss(es) within ${guard.windowSeconds}s: new deals paused until ${iso(pausedUntil)}`);
  }
  if (limits.dailyLossLimit !== null && snapshot.realizedPnlToday <= -limits.dailyLossLimit) {
    return refuse('daily_loss_limit', `realized PnL today ${fmt(snapshot.realizedPnlToday)} reached the daily loss limit of ${fmt(limits.dailyLossLimit)}; new deals resume at ${iso(utcDayStart(request.at) + DAY_MS)}`);
  }
  if (limits.maxOpenDeals !== null && snapshot.openDeals >= limits.maxOpenDeals) {
    return refuse('max_open_deals', `${snapshot.openDeals} deal(s) open on the account, the maximum is ${limits.maxOpenDeals}`);
  }
  if (limits.maxExposure !== null && snapshot.exposure + request.quoteAmount > limits.maxExposure) {
    return refuse('max_exposure', `exposure ${fmt(snapshot.exposure)} + ${fmt(request.quoteAmount)} for the new deal would exceed the maximum of ${fmt(limits.maxExposure)}`);
  }
  return { decision: { allowed: true }, pausedUntil };
}
