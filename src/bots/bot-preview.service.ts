import { Injectable, Logger } from '@nestjs/common';
import { DEFAULT_ACCOUNT_ID } from '../access/index.js';
import { Clock } from '../clock/index.js';
import { DomainError, ValidationFailed, fieldError } from '../common/domain-error.js';
import { DEFAULT_PAPER_ACCOUNT_ID, ExchangeAccountsService, ExchangeConnector, ExchangeUnavailable, OrderRejected, type ExchangeGateway, type MarketRules } from '../exchange/index.js';
import { gridLines, planLadder, previewGrid, type GridPreview, type GridProblem, type LadderPlan } from '../executors/index.js';
import { MarketDataSource } from '../market-data/index.js';
import { crossFieldProblems, normalizeCondition } from '../registry/index.js';
import type { CreateBotDto } from './dto/create-bot.dto.js';
import type { PreviewBotDto } from './dto/preview-bot.dto.js';

type LadderProblem = LadderPlan['problems'][number];

/** The plan `POST /bots/preview` answers for a DCA bot: the ladder, with the price it hangs from and the free quote balance it was checked against. */
export interface LadderPreview extends LadderPlan {
  price: number;
  balance: number;
}

/** For a grid bot: its lines from the price, amount per line, profit per grid after fees, lines breaking the market's rules. */
export type BotPreview = LadderPreview | (GridPreview & { balance: number });

/** A grid whose lines the exchange would refuse: each problem names the setting to change. */
export class GridInvalid extends DomainError {
  constructor(symbol: string, problems: GridProblem[], sizedBy: 'investment' | 'amountPerLine') {
    const fields = problems.map((problem) => ({ field: problem.problem === 'lines_collide' ? 'grid.gridLines' : `grid.${sizedBy}`, message: problem.message }));
    super('GRID_INVALID', `the grid on ${symbol} breaks the exchange's rules: ${fields.map((f) => f.message).join('; ')}`, 400, { fields });
  }
}

/** A DCA ladder the exchange would refuse: each problem names the setting to change. */
export class LadderInvalid extends DomainError {
  constructor(symbol: string, price: number, problems: LadderProblem[]) {
    const fields = problems.map((problem) => ({ field: settingOf(problem), message: describe(problem) }));
    super('LADDER_INVALID', `the safety-order ladder on ${symbol} from ${price} breaks the exchange's rules: ${fields.map((f) => f.message).join('; ')}`, 400, { fields });
  }
}

/** Plans a bot's ladder against the exchange's rules and balance, writing nothing. */
@Injectable()
export class BotPreviewService {
  private readonly logger = new Logger(BotPreviewService.name);

  constructor(
    private readonly connector: ExchangeConnector,
    private readonly exchangeAccounts: ExchangeAccountsService,
    private readonly marketData: MarketDataSource,
    private readonly clock: Clock,
  ) {}

  /** The full ladder from `price` (or the last price), checked against the market's rules and the free quote balance. */
  async preview(dto: PreviewBotDto, accountId: string): Promise<BotPreview> {
    checkConditions(dto);
    if (dto.type === 'grid' && dto.grid) return this.previewGridOf(dto, accountId);
    if (dto.type !== 'dca' || !dto.dca) throw fieldError('PREVIEW_NOT_SUPPORTED', 'type', `${dto.type} bots have no ladder to preview`);
    const symbol = dto.symbol.toUpperCase();
    const gateway = await this.exchange(() => this.gatewayOf(dto, accountId));
    const rules = await this.exchange(() => gateway.marketRules(symbol));
    const price = dto.price ?? (await this.lastPrice(dto.exchange, symbol));
    if (price === undefined) {
      throw fieldError('NO_PRICE', 'price', `no last price for ${symbol} on ${dto.exchange}: pass "price", the base order's fill price to plan from`);
    }
    const balances = await this.exchange(() => gateway.fetchBalance());
    const balance = balances[rules.quote]?.free ?? 0;
    return { price, balance, ...planLadder(dto.dca, price, rules, balance) };
  }

  /**
   * Refuses a DCA bot whose ladder, planned from the last price, breaks the exchange's rules (minimums, maximum,
   * prices at or below zero). The balance is not checked: a bot may be created before its account is funded.
   * Without a price or market rules (market data or exchange unavailable) the check is skipped: each order is
   * still checked against the rules before it is sent.
   */
  async assertValid(dto: CreateBotDto, exchangeAccountId: string): Promise<void> {
    if (dto.type === 'grid' && dto.grid) return this.assertGridValid(dto, exchangeAccountId);
    if (dto.type !== 'dca' || !dto.dca) return;
    const symbol = dto.symbol.toUpperCase();
    let rules: MarketRules;
    try {
      rules = await (await this.connector.gateway(exchangeAccountId)).marketRules(symbol);
    } catch (error) {
      this.logger.warn({ err: error, exchangeAccountId, symbol }, 'ladder not checked at creation: no market rules');
      return;
    }
    const price = await this.lastPrice(dto.exchange, symbol);
    if (price === undefined) {
      this.logger.warn({ exchange: dto.exchange, symbol }, 'ladder not checked at creation: no last price');
      return;
    }
    const problems = planLadder(dto.dca, price, rules).problems.filter((problem) => problem.problem !== 'exceeds_balance');
    if (problems.length > 0) throw new LadderInvalid(symbol, price, problems);
  }

  /**
   * The grid's lines from `price` (or the last price): each line's side and amount at a start there (the nearest line
   * stays empty), profit per grid after the maker fee of both legs, and the lines that break the market's rules.
   */
  private async previewGridOf(dto: PreviewBotDto, accountId: string): Promise<BotPreview> {
    const symbol = dto.symbol.toUpperCase();
    const gateway = await this.exchange(() => this.gatewayOf(dto, accountId));
    const rules = await this.exchange(() => gateway.marketRules(symbol));
    const price = dto.price ?? (await this.lastPrice(dto.exchange, symbol));
    if (price === undefined) throw fieldError('NO_PRICE', 'price', `no last price for ${symbol} on ${dto.exchange}: pass "price", the price to lay the grid out from`);
    const balances = await this.exchange(() => gateway.fetchBalance());
    return { ...previewGrid(dto.grid!, price, rules), balance: balances[rules.quote]?.free ?? 0 };
  }

  /** Refuses a grid whose lines break the market's rules (minimums, maximum, lines that collide at the tick); no price needed. */
  private async assertGridValid(dto: CreateBotDto, exchangeAccountId: string): Promise<void> {
    const symbol = dto.symbol.toUpperCase();
    let rules: MarketRules;
    try {
      rules = await (await this.connector.gateway(exchangeAccountId)).marketRules(symbol);
    } catch (error) {
      this.logger.warn({ err: error, exchangeAccountId, symbol }, 'grid not checked at creation: no market rules');
      return;
    }
    const problems = gridLines(dto.grid!, rules).problems.filter((problem) => problem.problem !== 'no_profit');
    if (problems.length > 0) throw new GridInvalid(symbol, problems, dto.grid!.amountPerLine === undefined ? 'investment' : 'amountPerLine');
  }

  /** The account the bot would trade through, checked as `POST /bots` checks it. */
  private async gatewayOf(dto: CreateBotDto, accountId: string): Promise<ExchangeGateway> {
    if (!dto.exchangeAccountId) {
      if (dto.exchange === 'paper' && accountId === DEFAULT_ACCOUNT_ID) return this.connector.gateway(DEFAULT_PAPER_ACCOUNT_ID);
      throw new ValidationFailed([{ field: 'exchangeAccountId', message: `is required to trade on ${dto.exchange}: create an exchange account first` }]);
    }
    const account = await this.exchangeAccounts.find(dto.exchangeAccountId, accountId).catch(() => undefined);
    if (!account) throw new ValidationFailed([{ field: 'exchangeAccountId', message: `no exchange account ${dto.exchangeAccountId}` }]);
    if (account.exchange !== dto.exchange) {
      throw new ValidationFailed([{ field: 'exchange', message: `must be "${account.exchange}", the exchange of account ${account.id}` }]);
    }
    return this.connector.gateway(account.id);
  }

  private async lastPrice(exchange: string, symbol: string): Promise<number | undefined> {
    try {
      const price = await this.marketData.lastPrice(exchange, symbol, this.clock.now());
      return price !== undefined && Number.isFinite(price) && price > 0 ? price : undefined;
    } catch (error) {
      this.logger.warn({ err: error, exchange, symbol }, 'no last price');
      return undefined;
    }
  }

  /** Exchange trouble as an answer: an unknown market is the request's fault, an unreachable exchange is not. */
  private async exchange<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof OrderRejected) throw new ValidationFailed([{ field: 'symbol', message: error.message }]);
      if (error instanceof ExchangeUnavailable) throw new DomainError('EXCHANGE_UNAVAILABLE', `the exchange did not answer: ${error.message}; try again later`, 503);
      throw error;
    }
  }
}

/** The same condition checks as `POST /bots`, so that a body the preview accepts is one creation accepts. */
function checkConditions(dto: CreateBotDto): void {
  const market = { exchange: dto.exchange, symbol: dto.symbol };
  const problems = (dto.conditions ?? []).flatMap((condition, i) => crossFieldProblems(normalizeCondition(condition, market, `conditions.${i}`), `conditions.${i}`));
  if (problems.length > 0) throw new ValidationFailed(problems);
}

function settingOf(problem: LadderProblem): string {
  if (problem.problem === 'price_not_positive') return 'dca.priceDeviation';
  return problem.level === 0 ? 'dca.baseOrderSize' : 'dca.safetyOrderSize';
}

function describe(problem: LadderProblem): string {
  return problem.message.startsWith('level ') ? problem.message : `level ${problem.level}: ${problem.message}`;
}
