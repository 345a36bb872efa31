import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuthenticationError, NetworkError, PermissionDenied, type Exchange } from 'ccxt';
import { DataSource, IsNull } from 'typeorm';
import { DomainError, fieldError, NotFoundError } from '../../common/domain-error.js';
import { AppConfig } from '../../config/index.js';
import { CcxtExchangeFactory } from '../ccxt/ccxt-exchange.factory.js';
import type { MarketRules } from '../exchange.port.js';
import { DEFAULT_PAPER_ACCOUNT_ID, seedPaperBalances } from '../paper/paper-accounts.js';
import type { CreateExchangeAccountDto } from './dto/create-exchange-account.dto.js';
import { ExchangeAccountEntity, toExchangeAccountView, type Credentials, type ExchangeAccountView } from './exchange-account.entity.js';
import { SecretBox } from './secret-box.js';

/** Exchange accounts: paper ones with starting balances, live ones validated once and stored with sealed credentials. */
@Injectable()
export class ExchangeAccountsService implements OnModuleInit {
  private readonly logger = new Logger(ExchangeAccountsService.name);
  private readonly box?: SecretBox;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly ccxt: CcxtExchangeFactory,
  ) {
    this.box = config.env.SECRETS_KEY ? SecretBox.fromKey(config.env.SECRETS_KEY) : undefined;
  }

  /** Refuses to start with live accounts and no key: their credentials could not be used, nor new ones protected. */
  async onModuleInit(): Promise<void> {
    await seedPaperBalances(this.db, DEFAULT_PAPER_ACCOUNT_ID, this.config.paperBalances);
    const live = await this.repository.count({ where: { deletedAt: IsNull() } }) - (await this.repository.count({ where: { exchange: 'paper', deletedAt: IsNull() } }));
    if (live > 0 && !this.box) {
      throw new Error(`${live} live exchange account(s) exist but SECRETS_KEY is not set: set the key their credentials were sealed with`);
    }
  }

  async create(dto: CreateExchangeAccountDto, accountId: string): Promise<ExchangeAccountView> {
    const id = randomUUID();
    const account = this.repository.create({ id, accountId, exchange: dto.exchange, label: dto.label, sandbox: dto.sandbox ?? false });
    if (dto.exchange === 'paper') {
      await this.db.transaction(async (manager) => {
        await manager.insert(ExchangeAccountEntity, account);
        await seedPaperBalances(manager, id, dto.balances ?? this.config.paperBalances);
      });
      this.logger.log({ exchangeAccountId: id, exchange: 'paper' }, 'paper exchange account created');
      return this.get(id, accountId);
    }
    if (dto.balances) throw fieldError('BALANCES_ONLY_FOR_PAPER', 'balances', 'balances can only be set on a paper account; a live account has the exchange\'s');
    if (!this.box) throw new DomainError('SECRETS_KEY_MISSING', 'live exchange accounts need SECRETS_KEY set on the server to encrypt their credentials', 400);
    const credentials: Credentials = { apiKey: dto.apiKey!, secret: dto.secret!, ...(dto.password && { password: dto.password }) };
    const markets = await this.validate(dto.exchange, credentials, account.sandbox);
    await this.repository.insert({ ...account, credentials: this.box.seal(JSON.stringify(credentials), id), markets, validatedAt: new Date() });
    this.logger.log({ exchangeAccountId: id, exchange: dto.exchange, sandbox: account.sandbox, markets: Object.keys(markets).length }, 'live exchange account created');
    return this.get(id, accountId);
  }

  async list(accountId: string): Promise<ExchangeAccountView[]> {
    const accounts = await this.repository.find({ where: { accountId, deletedAt: IsNull() }, order: { createdAt: 'ASC' } });
    return accounts.map((account) => toExchangeAccountView(account));
  }

  async get(id: string, accountId: string): Promise<ExchangeAccountView> {
    return toExchangeAccountView(await this.find(id, accountId));
  }

  /**
   * With `accountId` (every caller acting for a request), only that account's: another account's is not found,
   * exactly like an unknown id. Without, any account's (the connector, working for the bots that trade through it).
   */
  async find(id: string, accountId?: string): Promise<ExchangeAccountEntity> {
    const account = await this.repository.findOne({ where: { id, deletedAt: IsNull(), ...(accountId !== undefined && { accountId }) } });
    if (!account) throw new NotFoundError('exchange account', id);
    return account;
  }

  /** Deleting is refused while a bot trades through the account; its orders stay on record. */
  async delete(id: string, accountId: string): Promise<void> {
    await this.find(id, accountId);
    const [{ n }] = await this.db.query(`SELECT count(*)::int AS n FROM bots WHERE exchange_account_id = $1 AND deleted_at IS NULL`, [id]);
    if (n > 0) throw new DomainError('EXCHANGE_ACCOUNT_IN_USE', `${n} bot(s) trade through this account: delete them first`, 409);
    await this.repository.update(id, { deletedAt: new Date(), credentials: null });
    this.logger.log({ exchangeAccountId: id }, 'exchange account deleted');
  }

  /** For the connector only: the account's credentials in clear. */
  async credentialsOf(account: ExchangeAccountEntity): Promise<Credentials> {
    const row = await this.repository.findOne({ where: { id: account.id }, select: { id: true, credentials: true } });
    if (!row?.credentials || !this.box) throw new Error(`exchange account ${account.id} has no usable credentials`);
    return JSON.parse(this.box.open(row.credentials, account.id)) as Credentials;
  }

  /** One cheap authenticated call proves the credentials; the markets' precision and limits are kept. */
  private async validate(exchangeId: string, credentials: Credentials, sandbox: boolean): Promise<Record<string, MarketRules>> {
    let exchange: Exchange;
    try {
      exchange = this.ccxt.create(exchangeId, credentials, sandbox);
    } catch (error) {
      throw fieldError('UNKNOWN_EXCHANGE', 'exchange', `"${exchangeId}" is not an exchange ccxt knows: use a ccxt exchange id such as "binance", or "paper"`);
    }
    try {
      await exchange.fetchBalance();
      return spotMarketRules(await exchange.loadMarkets());
    } catch (error) {
      if (error instanceof AuthenticationError || error instanceof PermissionDenied) {
        throw fieldError('CREDENTIALS_REFUSED', 'apiKey', `${exchangeId} refused these API credentials: check the key, its permissions (trading, no withdrawals) and IP whitelist`);
      }
      if (error instanceof NetworkError) throw new DomainError('EXCHANGE_UNREACHABLE', `${exchangeId} could not be reached to check the credentials; try again`, 502);
      throw fieldError('CREDENTIALS_CHECK_FAILED', 'apiKey', `${exchangeId} answered the credentials check with an error; check the key and secret`);
    }
  }

  private get repository() {
    return this.db.getRepository(ExchangeAccountEntity);
  }
}

function spotMarketRules(markets: Exchange['markets']): Record<string, MarketRules> {
  const rules: Record<string, MarketRules> = {};
  for (const market of Object.values(markets ?? {})) {
    if (!market?.spot || market.active === false) continue;
    rules[market.symbol] = {
      symbol: market.symbol,
      base: market.base,
      quote: market.quote,
      amountStep: market.precision.amount ?? 1e-8,
      priceStep: market.precision.price ?? 1e-8,
      minAmount: market.limits.amount?.min ?? null,
      minCost: market.limits.cost?.min ?? null,
      maxAmount: market.limits.amount?.max ?? null,
    };
  }
  return rules;
}
