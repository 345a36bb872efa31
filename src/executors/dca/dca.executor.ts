import { Injectable } from '@nestjs/common';
import { DealsService } from '../../trading/index.js';
import { BotExecutor, type ExecutionResult, type TriggerContext } from '../bot-executor.port.js';
import type { DcaSettingsDto } from './dca-settings.dto.js';

/** DCA: a trigger opens a deal with a base order; a bot holds one open deal at a time. */
@Injectable()
export class DcaExecutor extends BotExecutor {
  readonly type = 'dca';

  constructor(private readonly deals: DealsService) {
    super();
  }

  async onTrigger({ manager, bot, trigger }: TriggerContext): Promise<ExecutionResult> {
    const settings = bot.settings as DcaSettingsDto;
    const open = await this.deals.openDeals(manager, bot.id);
    if (open.length > 0) return { outcome: 'skipped', reason: `bot already has an open deal (${open[0].id})`, orderIds: [] };
    const { order } = await this.deals.openDeal(manager, {
      botId: bot.id,
      exchangeAccountId: bot.exchangeAccountId,
      symbol: bot.symbol,
      direction: settings.direction ?? 'long',
      triggerId: trigger.triggerId,
      decidedAt: trigger.candleCloseTime,
      baseOrder: this.baseOrder(settings, trigger.values.close),
    });
    return { outcome: 'executed', orderIds: [order.id] };
  }

  /** A limit base order is priced at the trigger candle's close; a market one is sized by what it spends. */
  private baseOrder(settings: DcaSettingsDto, close: number | null | undefined) {
    const type = settings.orderType ?? 'market';
    return { type, quoteAmount: settings.baseOrderSize, ...(type === 'limit' && close != null && { price: close }) };
  }
}
