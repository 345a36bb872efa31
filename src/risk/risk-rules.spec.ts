import { describe, expect, it } from 'vitest';
import { evaluateRisk, pauseEnd, utcDayStart, type AccountSnapshot, type RiskLimits } from './risk-rules.js';

const AT = Date.UTC(2024, 0, 3, 12);
const none: RiskLimits = { maxExposure: null, maxOpenDeals: null, dailyLossLimit: null, stoplossGuard: null, pausedUntil: null, killSwitchAt: null };
const quiet: AccountSnapshot = { exposure: 0, openDeals: 0, realizedPnlToday: 0, stopLosses: [] };
const decide = (limits: Partial<RiskLimits>, snapshot: Partial<AccountSnapshot> = {}, quoteAmount = 100) =>
  evaluateRisk({ ...none, ...limits }, { ...quiet, ...snapshot }, { quoteAmount, at: AT });
const rule = (result: ReturnType<typeof decide>) => (result.decision.allowed ? 'allowed' : result.decision.rule);

describe('risk rules', () => {
  it('allows anything when no limit is set', () => {
    expect(decide({}, { exposure: 1e9, openDeals: 1000, realizedPnlToday: -1e9, stopLosses: [AT - 1, AT] }).decision).toEqual({ allowed: true });
  });

  it('refuses at the limits, not before', () => {
    expect(rule(decide({ maxOpenDeals: 2 }, { openDeals: 1 }))).toBe('allowed');
    expect(rule(decide({ maxOpenDeals: 2 }, { openDeals: 2 }))).toBe('max_open_deals');
    expect(rule(decide({ maxExposure: 300 }, { exposure: 200 }))).toBe('allowed');
    expect(rule(decide({ maxExposure: 300 }, { exposure: 200.01 }))).toBe('max_exposure');
    expect(rule(decide({ dailyLossLimit: 50 }, { realizedPnlToday: -49.99 }))).toBe('allowed');
    expect(rule(decide({ dailyLossLimit: 50 }, { realizedPnlToday: -50 }))).toBe('daily_loss_limit');
  });

  it('names the next UTC midnight as the end of a daily loss stop', () => {
    const result = decide({ dailyLossLimit: 50 }, { realizedPnlToday: -80 });
    expect(result.decision).toMatchObject({ reason: expect.stringContaining('resume at 2024-01-04T00:00:00.000Z') });
    expect(utcDayStart(AT)).toBe(Date.UTC(2024, 0, 3));
  });

  it('pauses after N stop losses for the cooldown from the last one, and keeps a pause already set', () => {
    const guard = { count: 2, windowSeconds: 3600, cooldownSeconds: 600 };
    expect(pauseEnd(guard, [AT - 60_000], null)).toBeNull();
    expect(pauseEnd(guard, [AT - 120_000, AT - 60_000], null)).toBe(AT - 60_000 + 600_000);
    expect(pauseEnd(guard, [], AT + 5)).toBe(AT + 5);
    expect(pauseEnd(null, [AT], AT + 5)).toBeNull();
    expect(rule(decide({ stoplossGuard: guard }, { stopLosses: [AT - 120_000, AT - 60_000] }))).toBe('stoploss_guard');
    expect(rule(decide({ stoplossGuard: guard }, { stopLosses: [AT - 900_000, AT - 700_000] }))).toBe('allowed');
    expect(rule(decide({ stoplossGuard: guard, pausedUntil: AT + 1 }))).toBe('stoploss_guard');
    expect(rule(decide({ stoplossGuard: null, pausedUntil: AT + 1 }))).toBe('allowed');
  });

  it('puts the kill switch before every other rule', () => {
    expect(rule(decide({ killSwitchAt: AT - 1, maxOpenDeals: 1 }, { openDeals: 5 }))).toBe('kill_switch');
  });
});
