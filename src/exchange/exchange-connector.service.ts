import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/index.js';
import { NotFoundError } from '../common/domain-error.js';
import { MarketDataSource } from '../market-data/index.js';
import { ExchangeConnector, type ExchangeGateway } from './exchange.port.js';
import { DEFAULT_PAPER_ACCOUNT_ID, seedPaperBalances } from './paper/paper-accounts.js';
import { PaperExchange } from './paper/paper-exchange.js';

/** One gateway per exchange account, shared by every bot trading on it. */
@Injectable()
export class ExchangeConnectorService extends ExchangeConnector implements OnModuleInit {
  private readonly gateways = new Map<string, ExchangeGateway>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly marketData: MarketDataSource,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await seedPaperBalances(this.db, DEFAULT_PAPER_ACCOUNT_ID, this.config.paperBalances);
  }

  async gateway(exchangeAccountId: string): Promise<ExchangeGateway> {
    const known = this.gateways.get(exchangeAccountId);
    if (known) return known;
    const rows: { exchange: string }[] = await this.db.query(`SELECT exchange FROM exchange_accounts WHERE id = $1`, [exchangeAccountId]);
    if (rows.length === 0) throw new NotFoundError('exchange account', exchangeAccountId);
    if (rows[0].exchange !== 'paper') throw new Error(`exchange ${rows[0].exchange} is not supported yet`);
    const gateway = new PaperExchange(this.db, exchangeAccountId, this.marketData, { feeRate: this.config.env.PAPER_FEE_RATE, priceExchange: 'paper' });
    this.gateways.set(exchangeAccountId, gateway);
    return gateway;
  }
}
