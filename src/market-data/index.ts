export { MarketDataModule } from './market-data.module.js';
export { MarketDataSource } from './market-data.port.js';
export * from './candle.js';
export { readCsvCandles } from './csv-candles.js';
export type { CandleColumns } from './candle-columns.js';
