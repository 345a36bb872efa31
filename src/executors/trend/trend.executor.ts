import { Injectable, OnModuleInit } from '@nestjs/common';
import { Clock } from '../../clock/index.js';
import { ExchangeConnector, splitSymbol, type Balances } from '../../exchange/index.js';
import { DealsService, type DealEntity, type DealOpening, type OpenDealRequest } from '../../trading/index.js';
import {
  BotExecutor, type BotSnapshot, type EntryBatchContext, type EntryPlan, type ExecutionResult, type ExtraSubscription, type PlannedEntry, type TriggerContext,
} from '../bot-executor.port.js';
import { PositionDealManager } from '../position/position-deal.manager.js';
import { PositionMonitor } from '../position/position-monitor.js';
import type { TrendSettingsDto } from './trend-settings.dto.js';

/**
 * Trend: one position at a time. Entry conditions (all holding) open it at market, exit conditions (all holding)
 * close it; the stop loss, the trailing stop and the time limit act on their own on every closed candle.
 */
@Injectable()
export class TrendExecutor extends BotExecutor implements OnModuleInit {
  readonly type = 'trend';

  constructor(
    private readonly deals: DealsService,
    private readonly positions: PositionDealManager,
    private readonly monitor: PositionMonitor,
    private readonly connector: ExchangeConnector,
    private readonly clock: Clock,
  ) {
    super();
  }

  onModuleInit(): void {
    this.positions.manage(this.type);
  }

  override extraSubscriptions(settings: Record<string, any>): ExtraSubscription[] {
    return (settings as TrendSettingsDto).exitConditions.map((condition, i) => ({ role: 'exit', condition, field: `trend.exitConditions.${i}` }));
  }

  override entryCommitment(bot: BotSnapshot): number {
    return (bot.settings as TrendSettingsDto).positionSize ?? 0;
  }

  async onTrigger({ manager, bot, trigger, role }: TriggerContext): Promise<ExecutionResult> {
    // A deal whose exit is decided is over for the strategy (only its market order is in flight): it blocks no entry.
    const [open] = (await this.deals.openDeals(manager, bot.id)).filter((deal) => deal.phase !== 'closing');
    if (role === 'exit') {
      if (!open) return { outcome: 'skipped', reason: 'no open position to exit', orderIds: [] };
      if (!(await this.positions.markClosing(manager, open.id, 'exit_signal', trigger.candleCloseTime))) {
        return { outcome: 'skipped', reason: `deal ${open.id} is already closing`, orderIds: [] };
      }
      return { outcome: 'executed', reason: `exit signal: closing deal ${open.id}`, orderIds: [], afterCommit: () => this.positions.sync(open.id) };
    }
    const entry = await this.entry(bot, open, trigger, (b, percent) => this.shareOfFreeBalance(b, percent));
    if ('skip' in entry) return { outcome: 'skipped', reason: entry.skip, orderIds: [] };
    const { order } = await this.deals.openDeal(manager, entry.open);
    return { outcome: 'executed', orderIds: [order.id] };
  }

  /**
   * Every bot's entry decided as `onTrigger` decides it, from one read of their deals; a size taken as a share of the
   * free balance reads each account's balance once (it does not move inside the transaction: orders go out after it).
   */
  override async planEntries({ manager, bots, trigger }: EntryBatchContext): Promise<EntryPlan> {
    const open = await this.deals.openDealsOf(manager, bots.map((bot) => bot.id));
    const balances = new Map<string, Promise<Balances>>();
    const share = (bot: BotSnapshot, percent: number) => {
      if (!balances.has(bot.exchangeAccountId)) balances.set(bot.exchangeAccountId, this.connector.gateway(bot.exchangeAccountId).then((g) => g.fetchBalance()));
      return balances.get(bot.exchangeAccountId)!.then((free) => shareOf(free, bot, percent));
    };
    const openings = new Map<PlannedEntry, DealOpening>();
    const entries: PlannedEntry[] = [];
    for (const bot of bots) {
      const [current] = (open.get(bot.id) ?? []).filter((deal) => deal.phase !== 'closing');
      const entry = await this.entry(bot, current, trigger, share);
      if ('skip' in entry) {
        entries.push({ bot, result: { outcome: 'skipped', reason: entry.skip, orderIds: [] }, opens: [] });
        continue;
      }
      const opening = this.deals.prepareOpening(entry.open);
      const planned = { bot, result: { outcome: 'executed' as const, orderIds: [opening.order.id] }, opens: [opening.order] };
      openings.set(planned, opening);
      entries.push(planned);
    }
    return { entries, write: (kept) => this.deals.insertOpenings(manager, kept.flatMap((entry) => openings.get(entry) ?? [])) };
  }

  override onTick(): Promise<void> {
    return this.monitor.tick(this.type);
  }

  override closeDeal(dealId: string, reason: string): Promise<void> {
    return this.positions.requestClose(dealId, reason, this.clock.now());
  }

  override cancelDeal(dealId: string, reason: string): Promise<void> {
    return this.positions.cancel(dealId, reason);
  }

  override idle(): Promise<void> {
    return this.positions.idle();
  }

  /** One position at a time, at market, sized by `positionSize` or a share of the free quote balance. */
  private async entry(
    bot: BotSnapshot, open: DealEntity | undefined, trigger: TriggerContext['trigger'], share: (bot: BotSnapshot, percent: number) => Promise<number>,
  ): Promise<{ skip: string } | { open: OpenDealRequest }> {
    if (open) return { skip: `a position is already open (deal ${open.id})` };
    const settings = bot.settings as TrendSettingsDto;
    const size = settings.positionSize ?? (await share(bot, settings.positionSizePercent!));
    if (!(size > 0)) return { skip: 'position size is 0: no free balance to take a share of' };
    return {
      open: {
        botId: bot.id, exchangeAccountId: bot.exchangeAccountId, symbol: bot.symbol, direction: settings.direction ?? 'long',
        triggerId: trigger.triggerId, decidedAt: trigger.candleCloseTime, settings: positionSettings(settings, size),
        baseOrder: { type: 'market', quoteAmount: size, referencePrice: trigger.values.close ?? undefined },
      },
    };
  }

  private async shareOfFreeBalance(bot: BotSnapshot, percent: number): Promise<number> {
    return shareOf(await (await this.connector.gateway(bot.exchangeAccountId)).fetchBalance(), bot, percent);
  }
}

function shareOf(balances: Balances, bot: BotSnapshot, percent: number): number {
  return ((balances[splitSymbol(bot.symbol).quote]?.free ?? 0) * percent) / 100;
}

/** A trend position in the terms of the shared position manager: no ladder, no resting take profit, only the exits. */
function positionSettings(settings: TrendSettingsDto, size: number) {
  return {
    baseOrderSize: size,
    maxSafetyOrders: 0,
    direction: settings.direction ?? 'long',
    stopLoss: settings.stopLoss,
    trailingTakeProfit: settings.trailingStop?.delta,
    trailingActivation: settings.trailingStop?.activation,
    timeLimit: settings.timeLimit,
  };
}
