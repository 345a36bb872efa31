import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../clock/index.js';
import { ExchangeConnector } from '../../exchange/index.js';
import { normalizeCondition, RegistryService, type SubscriptionRole } from '../../registry/index.js';
import { DealEntity, DealsService } from '../../trading/index.js';
import type { BotSnapshot, ExecutionResult, ExtraSubscription } from '../bot-executor.port.js';
import { GridDealManager } from './grid-deal.manager.js';
import { gridLines, recentre } from './grid-plan.js';
import type { GridSettingsDto } from './grid-settings.dto.js';
import { GridStore } from './grid.store.js';

export const RANGE_ROLES: SubscriptionRole[] = ['range_below', 'range_above', 'range_back_from_below', 'range_back_from_above'];

/**
 * A range's edges as registry conditions on the 1m price: leaving below / above, and coming back from below / above.
 * The same range gives the same four conditions, so every grid on it shares their rows and their evaluation.
 */
export function rangeSubscriptions(range: { lowerPrice: number; upperPrice: number }): ExtraSubscription[] {
  const price = (operator: string, value: number) => ({ timeframe: '1m', indicator: 'price', operator, value });
  return [
    { role: 'range_below', condition: price('lt', range.lowerPrice), field: 'grid.lowerPrice' },
    { role: 'range_above', condition: price('gt', range.upperPrice), field: 'grid.upperPrice' },
    { role: 'range_back_from_below', condition: price('gte', range.lowerPrice), field: 'grid.lowerPrice' },
    { role: 'range_back_from_above', condition: price('lte', range.upperPrice), field: 'grid.upperPrice' },
  ];
}

/** The settings that shape the grid's lines: changing one lays the grid out again. */
const SHAPE = ['lowerPrice', 'upperPrice', 'gridLines', 'spacing', 'investment', 'amountPerLine'] as const;

const skipped = (reason: string): ExecutionResult => ({ outcome: 'skipped', reason, orderIds: [] });

/**
 * What a grid does when the notifier says its price left or re-entered its range. Leaving is recorded on the deal
 * (the grid keeps its orders: below the range all its buys have filled and its sells wait above; above, the
 * reverse). With trailing on that side the grid moves instead: re-centred on the price, its range conditions move
 * with it (so it hears when the price leaves the new range), and its orders are laid out again.
 */
@Injectable()
export class GridRangeHandler {
  private readonly logger = new Logger(GridRangeHandler.name);

  constructor(
    private readonly deals: DealsService,
    private readonly store: GridStore,
    private readonly gridDeals: GridDealManager,
    private readonly registry: RegistryService,
    private readonly connector: ExchangeConnector,
    private readonly clock: Clock,
  ) {}

  async onRangeTrigger(manager: EntityManager, bot: BotSnapshot, role: SubscriptionRole, price: number | undefined, at: number): Promise<ExecutionResult> {
    const [deal] = await manager.find(DealEntity, { where: { botId: bot.id, status: 'open' }, lock: { mode: 'pessimistic_write' } });
    if (!deal) return skipped('no grid running');
    const grid = await this.store.find(manager, deal.id);
    if (!grid) return skipped(`deal ${deal.id} is not a grid`);
    const side = role === 'range_below' || role === 'range_back_from_below' ? 'below' : 'above';
    const range = `${grid.lowerPrice}–${grid.upperPrice}`;
    if (role === 'range_back_from_below' || role === 'range_back_from_above') {
      if (grid.outOfRange !== side) return skipped(`the price was not out of the range ${side}`);
      await this.store.update(manager, deal.id, { outOfRange: null });
      await this.deals.recordEvent(manager, deal.id, at, 'back_in_range', `price ${price} is back in the range ${range} from ${side}`, { price });
      return { outcome: 'executed', reason: `back in the range ${range}`, orderIds: [] };
    }
    await this.store.update(manager, deal.id, { outOfRange: side });
    await this.deals.recordEvent(manager, deal.id, at, 'left_range', `price ${price} left the range ${range} ${side}`, { price, side });
    const settings = deal.settings as GridSettingsDto;
    const trails = side === 'below' ? settings.trailingDown : settings.trailingUp;
    if (!trails || price === undefined) return { outcome: 'executed', reason: `price left the range ${range} ${side}: the grid keeps its orders`, orderIds: [] };
    if (deal.phase !== 'active' || grid.phase !== 'running') return { outcome: 'executed', reason: `price left the range ${side}; the grid is ${deal.phase}/${grid.phase}: not moved`, orderIds: [] };

    const rules = await (await this.connector.gateway(bot.exchangeAccountId)).marketRules(bot.symbol);
    const moved = recentre({ lowerPrice: grid.lowerPrice, upperPrice: grid.upperPrice, gridLines: grid.lineCount, spacing: grid.spacing }, price, rules);
    await this.store.update(manager, deal.id, { ...moved, phase: 'shifting', shiftPrice: price });
    await this.moveRange(manager, bot, moved);
    this.logger.log({ botId: bot.id, dealId: deal.id, from: range, to: `${moved.lowerPrice}–${moved.upperPrice}` }, 'grid trails the price');
    return { outcome: 'executed', reason: `grid moves to ${moved.lowerPrice}–${moved.upperPrice}`, orderIds: [], afterCommit: () => this.gridDeals.sync(deal.id) };
  }

  /**
   * The bot's settings changed under a running grid: a new range, line count, spacing or size lays the grid out again
   * around `price` (its orders canceled first, as for a trailing move) and moves its range conditions; other changes
   * (stop loss, take profit, trailing) only replace the deal's copy of the settings, as do lines the exchange would
   * refuse (recorded on the deal). False when the grid is busy (starting, shifting, closing): the next tick tries again.
   */
  async reshape(manager: EntityManager, bot: BotSnapshot, price: number | undefined): Promise<boolean> {
    const [deal] = await manager.find(DealEntity, { where: { botId: bot.id, status: 'open' }, lock: { mode: 'pessimistic_write' } });
    const grid = deal && (await this.store.find(manager, deal.id));
    if (!deal || !grid || deal.phase !== 'active' || grid.phase !== 'running' || price === undefined) return false;
    const settings = bot.settings as GridSettingsDto;
    await manager.query(`UPDATE deals SET settings = $2::jsonb WHERE id = $1`, [deal.id, JSON.stringify(settings)]);
    if (SHAPE.every((key) => deal.settings[key] === settings[key])) return true;
    const rules = await (await this.connector.gateway(bot.exchangeAccountId)).marketRules(bot.symbol);
    const plan = gridLines(settings, rules);
    const broken = plan.problems.filter((problem) => problem.problem !== 'no_profit');
    if (broken.length > 0) {
      // Recorded once (the deal now has these settings): the grid keeps its lines rather than place orders the exchange refuses.
      await this.deals.recordEvent(manager, deal.id, this.clock.now(), 'settings_refused', broken.map((p) => p.message).join('; '), { settings: { ...settings } });
      return true;
    }
    await this.store.update(manager, deal.id, {
      lowerPrice: settings.lowerPrice, upperPrice: settings.upperPrice, lineCount: settings.gridLines, spacing: settings.spacing ?? 'arithmetic',
      amountPerLine: plan.amountPerLine, phase: 'shifting', shiftPrice: price,
    });
    await this.moveRange(manager, bot, settings);
    await this.deals.recordEvent(manager, deal.id, this.clock.now(), 'settings_changed', 'the grid is laid out again', { price, settings: { ...settings } });
    this.logger.log({ botId: bot.id, dealId: deal.id }, 'grid settings changed: laid out again');
    return true;
  }

  /** The bot's range subscriptions replaced by those of the new range (registered if no one asked for them yet). */
  private async moveRange(manager: EntityManager, bot: BotSnapshot, range: { lowerPrice: number; upperPrice: number }): Promise<void> {
    const wanted = rangeSubscriptions(range).map((s) => ({ role: s.role, definition: normalizeCondition(s.condition, bot, s.field) }));
    // The bot's range rows are dropped, its entry rows kept.
    await this.registry.unsubscribe(manager, bot.id, RANGE_ROLES);
    const registered = await this.registry.register(manager, wanted.map((w) => w.definition), this.clock.now());
    await this.registry.subscribe(manager, bot.id, registered.map((condition, i) => ({ conditionId: condition.id, role: wanted[i].role })));
  }
}
