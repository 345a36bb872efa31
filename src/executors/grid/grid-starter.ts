import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { deterministicUuid } from '../../common/deterministic-id.js';
import { ExchangeConnector } from '../../exchange/index.js';
import { DealEntity, DealsService } from '../../trading/index.js';
import type { BotSnapshot, ExecutionResult } from '../bot-executor.port.js';
import { GridDealManager } from './grid-deal.manager.js';
import { layOut } from './grid-layout.js';
import { DEFAULT_MAKER_FEE, gridLines, startLayout } from './grid-plan.js';
import type { GridSettingsDto } from './grid-settings.dto.js';
import { GridTurn } from './grid-turn.js';
import { GridStore } from './grid.store.js';

const skipped = (reason: string): ExecutionResult => ({ outcome: 'skipped', reason, orderIds: [] });

/**
 * Starts a grid inside the caller's transaction (a trigger's delivery, or a tick's immediate start): one deal for the
 * whole grid, its lines, and the market buy of the base its sells above the price need. The limits follow once that
 * buy is done (GridDealManager). A grid starts only with the price inside its range and lines the exchange accepts.
 */
@Injectable()
export class GridStarter {
  private readonly logger = new Logger(GridStarter.name);

  constructor(
    private readonly deals: DealsService,
    private readonly store: GridStore,
    private readonly connector: ExchangeConnector,
    private readonly gridDeals: GridDealManager,
  ) {}

  async start(manager: EntityManager, bot: BotSnapshot, triggerId: string | null, decidedAt: number, price: number | undefined): Promise<ExecutionResult> {
    const settings = bot.settings as GridSettingsDto;
    const [open] = await this.deals.openDeals(manager, bot.id);
    if (open) return skipped(`a grid is already running (deal ${open.id})`);
    if (price === undefined) return skipped('no price to lay the grid out from');
    if (price < settings.lowerPrice || price > settings.upperPrice) {
      return skipped(`price ${price} is outside the range ${settings.lowerPrice}–${settings.upperPrice}: the grid waits for it`);
    }
    const gateway = await this.connector.gateway(bot.exchangeAccountId);
    const rules = await gateway.marketRules(bot.symbol);
    const plan = gridLines(settings, rules);
    const broken = plan.problems.filter((problem) => problem.problem !== 'no_profit');
    if (broken.length > 0) return skipped(`the grid's lines break the exchange's rules: ${broken.map((p) => p.message).join('; ')}`);
    // Checked here rather than left to the exchange: a start refused for funds would be retried on every tick.
    const needed = quoteNeeded(plan.prices, plan.amountPerLine, price);
    const free = (await gateway.fetchBalance())[rules.quote]?.free ?? 0;
    if (free < needed) return skipped(`the grid needs about ${needed} ${rules.quote} (its start buy and its buy limits), the account has ${free} free`);

    const deal = await this.openDeal(manager, bot, triggerId, decidedAt);
    const grid = {
      dealId: deal.id, botId: bot.id, phase: 'starting' as const, lowerPrice: settings.lowerPrice, upperPrice: settings.upperPrice,
      lineCount: settings.gridLines, spacing: settings.spacing ?? 'arithmetic', amountPerLine: plan.amountPerLine, rebalanceOrderId: null,
    };
    await this.store.insert(manager, grid);
    const turn = new GridTurn(manager, this.deals, deal, { ...grid, generation: 0, shiftPrice: null, outOfRange: null }, [], new Map(), new Map(), rules, decidedAt);
    await layOut(turn, this.store, price);
    await turn.event('opened', `trigger ${triggerId ?? 'none'}`, { price, amountPerLine: plan.amountPerLine, rebalanceOrderId: turn.grid.rebalanceOrderId });
    this.logger.log({ botId: bot.id, dealId: deal.id, price, amountPerLine: plan.amountPerLine }, 'grid started');
    return { outcome: 'executed', orderIds: turn.place, afterCommit: () => this.gridDeals.sync(deal.id) };
  }

  /** The grid's deal, without an entry order of its own: its entries are the grid's buys. */
  private async openDeal(manager: EntityManager, bot: BotSnapshot, triggerId: string | null, decidedAt: number): Promise<DealEntity> {
    const deal = manager.create(DealEntity, {
      id: deterministicUuid('deal', bot.id, triggerId ?? decidedAt), botId: bot.id, exchangeAccountId: bot.exchangeAccountId, symbol: bot.symbol,
      direction: 'long', status: 'open', phase: 'opening', triggerId, openedAt: new Date(decidedAt), settings: { ...bot.settings },
      amount: 0, cost: 0, averageEntry: null, fees: 0, realizedPnl: 0,
      entryAmount: 0, entryValue: 0, entryFees: 0, exitAmount: 0, exitValue: 0, exitFees: 0, safetyOrdersFilled: 0,
    });
    await manager.insert(DealEntity, deal);
    return deal;
  }
}

/** Quote a start at `price` spends or reserves: the market buy for the sells, the buy limits, and their fees. */
function quoteNeeded(prices: number[], amountPerLine: number, price: number): number {
  const sides = startLayout(prices, price);
  const quote = sides.reduce((sum, side, j) => sum + amountPerLine * (side === 'buy' ? prices[j] : price), 0);
  return Number((quote * (1 + DEFAULT_MAKER_FEE)).toFixed(2));
}
