import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../clock/index.js';
import { ExchangeConnector, splitSymbol } from '../../exchange/index.js';
import { DealsService } from '../../trading/index.js';
import { BotExecutor, type BotSnapshot, type ExecutionResult, type ExtraSubscription, type TriggerContext } from '../bot-executor.port.js';
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
    if (open) return { outcome: 'skipped', reason: `a position is already open (deal ${open.id})`, orderIds: [] };
    return this.enter(manager, bot, trigger.triggerId, trigger.candleCloseTime, trigger.values.close ?? undefined);
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

  private async enter(manager: EntityManager, bot: BotSnapshot, triggerId: string, decidedAt: number, price?: number): Promise<ExecutionResult> {
    const settings = bot.settings as TrendSettingsDto;
    const size = settings.positionSize ?? (await this.shareOfFreeBalance(bot, settings.positionSizePercent!));
    if (!(size > 0)) return { outcome: 'skipped', reason: 'position size is 0: no free balance to take a share of', orderIds: [] };
    const { order } = await this.deals.openDeal(manager, {
      botId: bot.id, exchangeAccountId: bot.exchangeAccountId, symbol: bot.symbol, direction: settings.direction ?? 'long',
      triggerId, decidedAt, settings: positionSettings(settings, size),
      baseOrder: { type: 'market', quoteAmount: size, referencePrice: price },
    });
    return { outcome: 'executed', orderIds: [order.id] };
  }

  private async shareOfFreeBalance(bot: BotSnapshot, percent: number): Promise<number> {
    const balances = await (await this.connector.gateway(bot.exchangeAccountId)).fetchBalance();
    return ((balances[splitSymbol(bot.symbol).quote]?.free ?? 0) * percent) / 100;
  }
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
