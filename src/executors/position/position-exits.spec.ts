import { describe, expect, it } from 'vitest';
import { checkExits, type ExitSettings, type ExitState } from './position-exits.js';

const candle = (low: number, high: number, close: number) => ({ openTime: 0, open: close, high, low, close, volume: 1 });
const fresh = (averageEntry = 100, takeProfitPrice: number | null = null): ExitState => ({ averageEntry, takeProfitPrice, peak: null, stopSince: null });
const MIN = 60_000;

function run(settings: ExitSettings, state: ExitState, candles: [number, number, number][]) {
  let current = state;
  for (let i = 0; i < candles.length; i++) {
    const decision = checkExits(settings, current, candle(...candles[i]), (i + 1) * MIN);
    if (decision.exit) return { ...decision.exit, candle: i };
    current = decision.state;
  }
  return undefined;
}

describe('DCA exits on closed candles', () => {
  it('stops a long out when a candle trades through average × (1 − stopLoss)', () => {
    const settings: ExitSettings = { direction: 'long', stopLoss: 5 };
    expect(run(settings, fresh(), [[96, 101, 99], [95.5, 99, 96]])).toBeUndefined();
    expect(run(settings, fresh(), [[96, 101, 99], [94.9, 99, 96]])).toEqual({ reason: 'stop_loss', at: 2 * MIN, price: 95, candle: 1 });
  });

  it('stops a short out when price rises through average × (1 + stopLoss)', () => {
    expect(run({ direction: 'short', stopLoss: 5 }, fresh(), [[99, 104, 103], [100, 105.1, 104]])).toMatchObject({ reason: 'stop_loss', candle: 1 });
  });

  it('waits stopLossTimeout with closes through the stop before acting, and resets when price recovers', () => {
    const settings: ExitSettings = { direction: 'long', stopLoss: 5, stopLossTimeout: 120 };
    expect(run(settings, fresh(), [[90, 96, 94], [90, 97, 96], [90, 96, 94], [90, 96, 94]])).toBeUndefined();
    expect(run(settings, fresh(), [[90, 96, 94], [90, 96, 94], [90, 96, 94.5]])).toEqual({ reason: 'stop_loss', at: 3 * MIN, price: 94.5, candle: 2 });
  });

  it('trails the stop behind the best price since entry', () => {
    const settings: ExitSettings = { direction: 'long', stopLoss: 5, trailingStopLoss: true };
    // Peak 120 moves the stop to 114: a dip to 113.9 stops out although it is far above the entry.
    expect(run(settings, fresh(), [[99, 110, 109], [108, 120, 119], [113.9, 119, 115]])).toMatchObject({ reason: 'trailing_stop', price: 114, candle: 2 });
  });

  it('arms a trailing take profit at the target and closes on the pull-back from the best price', () => {
    const settings: ExitSettings = { direction: 'long', trailingTakeProfit: 1 };
    const result = run(settings, fresh(100, 101.5), [[100, 101, 100.5], [101, 103, 102.9], [102, 104, 103.5], [102, 103.5, 102.9]]);
    // Peak 104 → pull-back level 102.96: the fourth close (102.9) is below it.
    expect(result).toEqual({ reason: 'take_profit', at: 4 * MIN, price: 102.9, candle: 3 });
  });

  it('does nothing without exits configured', () => {
    expect(run({ direction: 'long' }, fresh(100, 101), [[1, 1000, 50]])).toBeUndefined();
  });
});
