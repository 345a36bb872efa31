import { Logger, Module } from '@nestjs/common';
import { AppConfig } from '../config/index.js';
import { CcxtMarketData } from './ccxt.market-data.js';
import { CsvMarketData, parseCsvSpec } from './csv.market-data.js';
import { MarketDataSource } from './market-data.port.js';
import { SimulatedMarketData } from './simulated.market-data.js';

function createMarketData(config: AppConfig): MarketDataSource {
  const logger = new Logger('MarketData');
  const { MARKET_DATA_SOURCE, MARKET_DATA_CSV, MARKET_DATA_SEED } = config.env;
  switch (MARKET_DATA_SOURCE) {
    case 'csv':
      logger.log(`market data: csv replay of ${MARKET_DATA_CSV}`);
      return new CsvMarketData(parseCsvSpec(MARKET_DATA_CSV!));
    case 'ccxt':
      logger.log('market data: ccxt (public OHLCV of the real exchanges)');
      return new CcxtMarketData({});
    case 'simulated':
      logger.log(`market data: simulated market, seed ${MARKET_DATA_SEED}`);
      return new SimulatedMarketData({ seed: MARKET_DATA_SEED });
  }
}

@Module({
  providers: [{ provide: MarketDataSource, inject: [AppConfig], useFactory: createMarketData }],
  exports: [MarketDataSource],
})
export class MarketDataModule {}
