import type { AccountSnapshot } from './risk-rules.js';
import type { RiskSettingsEntity, StoplossGuard } from './risk-settings.entity.js';

export interface RiskView {
  exchangeAccountId: string;
  /** The limits as set; null is "not set". */
  settings: { maxExposure: number | null; maxOpenDeals: number | null; dailyLossLimit: number | null; stoplossGuard: StoplossGuard | null };
  /** The account now (market time), across all its bots. */
  state: {
    at: string;
    exposure: number;
    openDeals: number;
    realizedPnlToday: number;
    pausedUntil: string | null;
    killSwitchAt: string | null;
  };
}

export function toRiskView(exchangeAccountId: string, settings: RiskSettingsEntity | null, snapshot: AccountSnapshot, at: number, pausedUntil: number | null): RiskView {
  return {
    exchangeAccountId,
    settings: {
      maxExposure: settings?.maxExposure ?? null,
      maxOpenDeals: settings?.maxOpenDeals ?? null,
      dailyLossLimit: settings?.dailyLossLimit ?? null,
      stoplossGuard: settings?.stoplossGuard ?? null,
    },
    state: {
      at: new Date(at).toISOString(),
      exposure: snapshot.exposure,
      openDeals: snapshot.openDeals,
      realizedPnlToday: snapshot.realizedPnlToday,
      pausedUntil: pausedUntil !== null && pausedUntil > at ? new Date(pausedUntil).toISOString() : null,
      killSwitchAt: settings?.killSwitchAt?.toISOString() ?? null,
    },
  };
}
