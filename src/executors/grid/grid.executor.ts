import { Injectable } from '@nestjs/common';
import { Clock } from '../../clock/index.js';
import { BotExecutor, type BotSnapshot, type ExecutionResult, type ExtraSubscription, type TriggerContext } from '../bot-executor.port.js';
import { GridDealManager } from './grid-deal.manager.js';
import { gridCommitment, GridMonitor } from './grid-monitor.js';
import { GridRangeHandler, rangeSubscriptions } from './grid-range.js';
import type { GridSettingsDto } from './grid-settings.dto.js';
import { GridStarter } from './grid-starter.js';

/**
 * Grid: buy limits below the price and sell limits above it on fixed lines; each fill puts its mirror one line away,
 * and every buy-then-sell of a slot is a round trip with its profit. A grid is one deal. It starts on its start
 * condition (role `entry`, checked against the account's risk limits by the notifier) or at once (on the tick, checked
 * here), hears from the registry when the price leaves or re-enters its range, and ends on its stop loss or take
 * profit (closed at market, the bot stopped), on a manual close or cancel, or when its bot is stopped or deleted
 * (orders canceled, position left).
 */
@Injectable()
export class GridExecutor extends BotExecutor {
  readonly type = 'grid';

  constructor(
    private readonly starter: GridStarter,
    private readonly range: GridRangeHandler,
    private readonly gridDeals: GridDealManager,
    private readonly monitor: GridMonitor,
    private readonly clock: Clock,
  ) {
    super();
  }

  override extraSubscriptions(settings: Record<string, any>): ExtraSubscription[] {
    return rangeSubscriptions(settings as GridSettingsDto);
  }

  override entryCommitment(bot: BotSnapshot): number {
    return gridCommitment(bot.settings as GridSettingsDto);
  }

  async onTrigger({ manager, bot, trigger, role }: TriggerContext): Promise<ExecutionResult> {
    const price = trigger.values.close ?? undefined;
    if (role === 'entry') return this.starter.start(manager, bot, trigger.triggerId, trigger.candleCloseTime, price);
    return this.range.onRangeTrigger(manager, bot, role, price, trigger.candleCloseTime);
  }

  override onTick(): Promise<void> {
    return this.monitor.tick();
  }

  override closeDeal(dealId: string, reason: string): Promise<void> {
    return this.gridDeals.requestClose(dealId, reason, this.clock.now());
  }

  override cancelDeal(dealId: string, reason: string): Promise<void> {
    return this.gridDeals.abandon(dealId, reason);
  }

  override idle(): Promise<void> {
    return this.gridDeals.idle();
  }
}
