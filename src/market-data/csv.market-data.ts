import { resolve } from 'node:path';
import { timeframeMs, type Candle, type SeriesRef, type Timeframe } from './candle.js';
import type { CandleColumns } from './candle-columns.js';
import { assertAligned, readCsvCandles } from './csv-candles.js';
import type { CsvFileEntry } from './csv-spec.js';
import { MarketDataSource } from './market-data.port.js';
import { resampleColumns } from './resample-candles.js';

export { parseCsvSpec, type CsvFileEntry } from './csv-spec.js';

export interface CsvMarketDataOptions {
  /** Directory that relative entry paths are resolved from; the working directory by default. */
  baseDir?: string;
}

interface LoadedFile {
  symbol: string;
  timeframe: Timeframe;
  timeframeMs: number;
  columns: CandleColumns;
}

/**
 * Replays candle files for any exchange label. Files are read once, at construction, so a bad path fails at boot.
 * Longer timeframes that are whole multiples of a file's are resampled on first use and kept.
 */
export class CsvMarketData extends MarketDataSource {
  readonly kind = 'csv';
  /** Per symbol, finest timeframe first. */
  private readonly files = new Map<string, LoadedFile[]>();
  /** Served series by `symbol@timeframe`: the files themselves plus resampled ones. */
  private readonly series = new Map<string, CandleColumns>();
  private readonly origin: number | undefined;

  constructor(entries: readonly CsvFileEntry[], options: CsvMarketDataOptions = {}) {
    super();
    if (entries.length === 0) throw new Error('csv market data needs at least one candle file');
    const baseDir = options.baseDir ?? process.cwd();
    let origin = Infinity;
    for (const entry of entries) {
      const key = `${entry.symbol}@${entry.timeframe}`;
      if (this.series.has(key)) throw new Error(`csv market data: ${key} is configured twice`);
      const path = resolve(baseDir, entry.path);
      const columns = readCsvCandles(path);
      const ms = timeframeMs(entry.timeframe);
      assertAligned(columns, ms, path);
      this.series.set(key, columns);
      const list = this.files.get(entry.symbol) ?? [];
      list.push({ symbol: entry.symbol, timeframe: entry.timeframe, timeframeMs: ms, columns });
      list.sort((a, b) => a.timeframeMs - b.timeframeMs);
      this.files.set(entry.symbol, list);
      if (columns.length > 0) origin = Math.min(origin, columns.openTime[0]);
    }
    this.origin = Number.isFinite(origin) ? origin : undefined;
  }

  async fetchClosedCandles(series: SeriesRef, since: number, asOf: number, limit: number): Promise<Candle[]> {
    const columns = this.columnsFor(series.symbol, series.timeframe);
    const from = columns.firstAtOrAfter(since);
    const to = columns.firstAfter(asOf - timeframeMs(series.timeframe));
    const count = limit > 0 ? Math.floor(limit) : 0;
    return columns.toCandles(from, Math.min(to, from + count));
  }

  async lastPrice(_exchange: string, symbol: string, asOf: number): Promise<number | undefined> {
    const finest = this.filesOf(symbol, undefined)[0];
    const index = finest.columns.firstAfter(asOf - finest.timeframeMs) - 1;
    return index >= 0 ? finest.columns.close[index] : undefined;
  }

  replayOrigin(): number | undefined {
    return this.origin;
  }

  private columnsFor(symbol: string, timeframe: Timeframe): CandleColumns {
    const key = `${symbol}@${timeframe}`;
    const cached = this.series.get(key);
    if (cached) return cached;
    const target = timeframeMs(timeframe);
    // The coarsest file that divides the target has the fewest rows to aggregate.
    const source = this.filesOf(symbol, timeframe)
      .filter((file) => target % file.timeframeMs === 0)
      .at(-1);
    if (!source) throw this.cannotServe(symbol, timeframe);
    const resampled = resampleColumns(source.columns, source.timeframeMs, target);
    this.series.set(key, resampled);
    return resampled;
  }

  private filesOf(symbol: string, timeframe: Timeframe | undefined): LoadedFile[] {
    const files = this.files.get(symbol);
    if (!files) throw this.cannotServe(symbol, timeframe);
    return files;
  }

  private cannotServe(symbol: string, timeframe: Timeframe | undefined): Error {
    const configured = [...this.files.values()]
      .flat()
      .map((file) => `${file.symbol}@${file.timeframe}`)
      .join(', ');
    const wanted = timeframe ? `${symbol}@${timeframe}` : symbol;
    return new Error(
      `csv market data cannot serve ${wanted}: configured markets are ${configured} ` +
        '(each also at any longer timeframe that is a whole multiple of its own)',
    );
  }
}
