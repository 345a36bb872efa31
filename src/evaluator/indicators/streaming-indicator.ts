import { BollingerBands, EMA, MACD, RSI, SMA } from 'trading-signals';
import type { Candle } from '../../market-data/candle.js';
import type { IndicatorRef } from '../../registry/index.js';

/**
 * One indicator fed one closed candle at a time: its state is carried from candle to candle
 * (trading-signals keeps it), so a tick costs the same after 500 candles as after 10,000.
 */
export interface StreamingIndicator {
  update(candle: Candle): void;
  /** The named output's value after the last update, or null while the indicator is still warming up. */
  read(output?: string): number | null;
}

class CloseIndicator implements StreamingIndicator {
  private close: number | null = null;
  update(candle: Candle): void {
    this.close = candle.close;
  }
  read(): number | null {
    return this.close;
  }
}

class SingleValue implements StreamingIndicator {
  constructor(private readonly inner: { add(x: number): unknown; getResult(): number | null }) {}
  update(candle: Candle): void {
    this.inner.add(candle.close);
  }
  read(): number | null {
    return this.inner.getResult();
  }
}

class MacdIndicator implements StreamingIndicator {
  private readonly macd: MACD;
  constructor(params: Record<string, number>) {
    this.macd = new MACD(new EMA(params.fast), new EMA(params.slow), new EMA(params.signal));
  }
  update(candle: Candle): void {
    this.macd.add(candle.close);
    // MACD keeps every input in `prices`; nothing reads it after the update, so it is emptied to keep memory flat.
    this.macd.prices.length = 0;
  }
  read(output?: string): number | null {
    const result = this.macd.getResult();
    if (!result) return null;
    return output === 'signal' ? result.signal : output === 'histogram' ? result.histogram : result.macd;
  }
}

class BollingerIndicator implements StreamingIndicator {
  private readonly bands: BollingerBands;
  private close = 0;
  constructor(params: Record<string, number>) {
    this.bands = new BollingerBands(params.period, params.stdDev);
  }
  update(candle: Candle): void {
    this.close = candle.close;
    this.bands.add(candle.close);
  }
  read(output?: string): number | null {
    const bands = this.bands.getResult();
    if (!bands) return null;
    if (output === 'percentB') return bands.upper === bands.lower ? 0.5 : (this.close - bands.lower) / (bands.upper - bands.lower);
    return output === 'upper' ? bands.upper : output === 'lower' ? bands.lower : bands.middle;
  }
}

export function createIndicator(ref: Pick<IndicatorRef, 'indicator' | 'params'>): StreamingIndicator {
  switch (ref.indicator) {
    case 'price':
      return new CloseIndicator();
    case 'rsi':
      return new SingleValue(new RSI(ref.params.period));
    case 'sma':
      return new SingleValue(new SMA(ref.params.period));
    case 'ema':
      return new SingleValue(new EMA(ref.params.period));
    case 'macd':
      return new MacdIndicator(ref.params);
    case 'bollinger':
      return new BollingerIndicator(ref.params);
  }
}
