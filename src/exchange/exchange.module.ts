import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MarketDataModule } from '../market-data/index.js';
import { ExchangeAccountEntity } from './accounts/exchange-account.entity.js';
import { ExchangeAccountsController } from './accounts/exchange-accounts.controller.js';
import { ExchangeAccountsService } from './accounts/exchange-accounts.service.js';
import { CcxtExchangeFactory, DefaultCcxtExchangeFactory } from './ccxt/ccxt-exchange.factory.js';
import { ExchangeConnectorService } from './exchange-connector.service.js';
import { ExchangeConnector } from './exchange.port.js';

@Module({
  imports: [TypeOrmModule.forFeature([ExchangeAccountEntity]), MarketDataModule],
  controllers: [ExchangeAccountsController],
  providers: [
    ExchangeAccountsService,
    { provide: CcxtExchangeFactory, useClass: DefaultCcxtExchangeFactory },
    { provide: ExchangeConnector, useClass: ExchangeConnectorService },
  ],
  exports: [ExchangeConnector, ExchangeAccountsService],
})
export class ExchangeModule {}
