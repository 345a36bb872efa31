import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../clock/index.js';
import { AppConfig } from '../config/index.js';
import { MarketDataSource } from '../market-data/index.js';
import { ExchangeAccountsService } from './accounts/exchange-accounts.service.js';
import { CcxtExchangeFactory } from './ccxt/ccxt-exchange.factory.js';
import { CcxtGateway } from './ccxt/ccxt.gateway.js';
import { ExchangeConnector, type ExchangeGateway } from './exchange.port.js';
import { PaperExchange } from './paper/paper-exchange.js';

/**
 * One gateway per exchange account, shared by every bot trading on it: for a live account that is one ccxt
 * instance, so its rate limiter governs all of them.
 */
@Injectable()
export class ExchangeConnectorService extends ExchangeConnector {
  private readonly gateways = new Map<string, Promise<ExchangeGateway>>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly accounts: ExchangeAccountsService,
    private readonly ccxt: CcxtExchangeFactory,
    private readonly marketData: MarketDataSource,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    super();
  }

  gateway(exchangeAccountId: string): Promise<ExchangeGateway> {
    let gateway = this.gateways.get(exchangeAccountId);
    if (!gateway) {
      gateway = this.open(exchangeAccountId);
      this.gateways.set(exchangeAccountId, gateway);
      gateway.catch(() => this.gateways.delete(exchangeAccountId));
    }
    return gateway;
  }

  private async open(exchangeAccountId: string): Promise<ExchangeGateway> {
    const account = await this.accounts.find(exchangeAccountId);
    if (account.exchange === 'paper') {
      const env = this.config.env;
      return new PaperExchange(this.db, account.id, this.marketData, this.clock, {
        takerFee: env.PAPER_FEE_RATE,
        makerFee: env.PAPER_MAKER_FEE_RATE,
        slippage: env.PAPER_SLIPPAGE,
        volumeShare: env.PAPER_VOLUME_SHARE,
        priceExchange: 'paper',
      });
    }
    const credentials = await this.accounts.credentialsOf(account);
    return new CcxtGateway(this.ccxt.create(account.exchange, credentials, account.sandbox));
  }
}
