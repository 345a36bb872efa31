import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../clock/index.js';
import { MarketDataSource, timeframeMs } from '../../market-data/index.js';
import { DealEntity } from '../../trading/index.js';
import { checkExits, stopPrice, type ExitState } from './position-exits.js';
import { PositionDealManager } from './position-deal.manager.js';
import { finalTarget } from '../dca/dca-plan.js';
import { takeProfitPrice } from '../dca/ladder.js';
import type { DcaSettingsDto } from '../dca/dca-settings.dto.js';

const CANDLE = '1m' as const;

/**
 * On every tick: brings each open DCA deal's orders up to date, then checks the exits the exchange cannot hold
 * (stop loss, its timeout and trailing, trailing take profit) on every 1m candle closed since the last check.
 */
@Injectable()
export class PositionMonitor {
  private readonly logger = new Logger(PositionMonitor.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly manager: PositionDealManager,
    private readonly marketData: MarketDataSource,
    private readonly clock: Clock,
  ) {}

  /** Checks the open deals of bots of `type`. */
  async tick(type: string): Promise<void> {
    const deals: (DealEntity & { exchange: string })[] = await this.db
      .getRepository(DealEntity)
      .createQueryBuilder('d')
      .innerJoin('bots', 'b', 'b.id = d.bot_id')
      .addSelect('b.exchange', 'exchange')
      .where(`d.status = 'open' AND b.type = :type`, { type })
      .orderBy('d.opened_at')
      .getRawAndEntities()
      .then(({ entities, raw }) => entities.map((deal, i) => Object.assign(deal, { exchange: raw[i].exchange as string })));
    for (const deal of deals) {
      try {
        await this.manager.sync(deal.id);
        await this.checkExits(deal.id, deal.exchange);
      } catch (error) {
        this.logger.error({ err: error, dealId: deal.id, botId: deal.botId }, 'deal check failed; retried next tick');
      }
    }
  }

  private async checkExits(dealId: string, exchange: string): Promise<void> {
    const deal = await this.db.getRepository(DealEntity).findOneByOrFail({ id: dealId });
    if (deal.status !== 'open' || deal.phase !== 'active' || deal.averageEntry === null) return;
    const settings = deal.settings as DcaSettingsDto;
    const tf = timeframeMs(CANDLE);
    const since = deal.checkedUntil?.getTime() ?? deal.openedAt.getTime();
    const candles = await this.marketData.fetchClosedCandles({ exchange, symbol: deal.symbol, timeframe: CANDLE }, since, this.clock.now(), 10_000);
    if (candles.length === 0) return;
    const activationPercent = (settings as { trailingActivation?: number }).trailingActivation;
    const activation = activationPercent === undefined ? undefined : takeProfitPrice(deal.averageEntry, activationPercent, deal.direction);
    const timeLimit = (settings as { timeLimit?: number }).timeLimit;
    let state: ExitState = {
      averageEntry: deal.averageEntry,
      takeProfitPrice: activation ?? (settings.takeProfit !== undefined ? finalTarget(settings, deal) : null),
      peak: deal.trailingPeak,
      stopSince: deal.stopLossSince?.getTime() ?? null,
    };
    for (const candle of candles) {
      const decision = checkExits({ ...settings, direction: deal.direction }, state, candle, candle.openTime + tf);
      state = decision.state;
      if (!decision.exit && timeLimit && candle.openTime + tf - deal.openedAt.getTime() >= timeLimit * 1000) {
        decision.exit = { reason: 'time_limit', at: candle.openTime + tf, price: candle.close };
      }
      // A trailing take profit armed at an activation price is what a trend bot calls its trailing stop.
      if (decision.exit?.reason === 'take_profit' && activation !== undefined) decision.exit.reason = 'trailing_stop';
      if (decision.exit) {
        this.logger.log({ dealId, botId: deal.botId, reason: decision.exit.reason, price: decision.exit.price }, 'deal exit triggered');
        await this.save(dealId, state, decision.exit.at, candle.close, stopPrice({ ...settings, direction: deal.direction }, state));
        await this.manager.requestClose(dealId, decision.exit.reason, decision.exit.at);
        return;
      }
    }
    const last = candles[candles.length - 1];
    await this.save(dealId, state, last.openTime + tf, last.close, stopPrice({ ...settings, direction: deal.direction }, state));
  }

  private async save(dealId: string, state: ExitState, checkedUntil: number, lastPrice: number, stopLossPrice: number | null): Promise<void> {
    await this.db.getRepository(DealEntity).update(dealId, {
      trailingPeak: state.peak,
      stopLossSince: state.stopSince === null ? null : new Date(state.stopSince),
      checkedUntil: new Date(checkedUntil),
      lastPrice,
      stopLossPrice,
    });
  }
}
