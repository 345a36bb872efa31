import { Module } from '@nestjs/common';
import { MarketDataModule } from '../market-data/index.js';
import { ExchangeConnectorService } from './exchange-connector.service.js';
import { ExchangeConnector } from './exchange.port.js';

@Module({
  imports: [MarketDataModule],
  providers: [{ provide: ExchangeConnector, useClass: ExchangeConnectorService }],
  exports: [ExchangeConnector],
})
export class ExchangeModule {}
