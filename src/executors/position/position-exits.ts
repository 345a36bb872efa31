import type { Candle } from '../../market-data/index.js';

export interface ExitSettings {
  direction: 'long' | 'short';
  /** % from the average entry. */
  stopLoss?: number;
  /** Seconds the price must stay through the stop before it acts. */
  stopLossTimeout?: number;
  /** The stop follows the best price since entry, `stopLoss` % behind it. */
  trailingStopLoss?: boolean;
  /** % pull-back from the best price after the take-profit price was reached; absent: a resting take-profit order. */
  trailingTakeProfit?: number;
}

export interface ExitState {
  averageEntry: number;
  takeProfitPrice: number | null;
  /** Best price since the trailing take profit armed, or (trailing stop) since entry. */
  peak: number | null;
  /** Market time (ms) the close first went through the stop, for the timeout. */
  stopSince: number | null;
}

export type ExitReason = 'stop_loss' | 'trailing_stop' | 'take_profit' | 'time_limit';

export interface ExitDecision {
  state: ExitState;
  exit?: { reason: ExitReason; at: number; price: number };
}

/**
 * Checks one closed candle against a deal's exits that the exchange cannot hold as resting orders:
 * stop loss (optionally after a timeout, optionally trailing) and trailing take profit. Pure, so a replay,
 * a backtest and live trading decide alike. `closeTime` is the candle's close in UTC ms.
 */
export function checkExits(settings: ExitSettings, state: ExitState, candle: Candle, closeTime: number): ExitDecision {
  const long = settings.direction === 'long';
  const favourable = long ? candle.high : candle.low;
  const adverse = long ? candle.low : candle.high;
  const better = (a: number, b: number) => (long ? Math.max(a, b) : Math.min(a, b));
  const next: ExitState = { ...state };

  // The stop comes from earlier candles' peak: within a candle, whether the high or the low came first is unknown.
  const stop = stopPrice(settings, state);
  if (stop !== null) {
    const through = (price: number) => (long ? price <= stop : price >= stop);
    const reason: ExitReason = settings.trailingStopLoss ? 'trailing_stop' : 'stop_loss';
    if (!settings.stopLossTimeout) {
      if (through(adverse)) return { state: next, exit: { reason, at: closeTime, price: stop } };
    } else if (through(candle.close)) {
      next.stopSince ??= closeTime;
      if (closeTime - next.stopSince >= settings.stopLossTimeout * 1000) return { state: next, exit: { reason, at: closeTime, price: candle.close } };
    } else {
      next.stopSince = null;
    }
  }
  if (settings.trailingStopLoss) next.peak = next.peak === null ? favourable : better(next.peak, favourable);

  if (settings.trailingTakeProfit && state.takeProfitPrice !== null && !settings.trailingStopLoss) {
    const reached = long ? favourable >= state.takeProfitPrice : favourable <= state.takeProfitPrice;
    if (next.peak !== null || reached) next.peak = next.peak === null ? favourable : better(next.peak, favourable);
    if (next.peak !== null) {
      const pullback = long ? next.peak * (1 - settings.trailingTakeProfit / 100) : next.peak * (1 + settings.trailingTakeProfit / 100);
      if (long ? candle.close <= pullback : candle.close >= pullback) return { state: next, exit: { reason: 'take_profit', at: closeTime, price: candle.close } };
    }
  }
  return { state: next };
}

/** The stop price now: from the average entry, or trailing the best price seen. */
export function stopPrice(settings: ExitSettings, state: ExitState): number | null {
  if (!settings.stopLoss) return null;
  const anchor = settings.trailingStopLoss && state.peak !== null ? state.peak : state.averageEntry;
  return settings.direction === 'long' ? anchor * (1 - settings.stopLoss / 100) : anchor * (1 + settings.stopLoss / 100);
}
