import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../clock/index.js';
import { MarketDataSource, timeframeMs } from '../../market-data/index.js';
import { RiskService } from '../../risk/risk.service.js';
import { DealEntity, DealsService, OrderPlacer } from '../../trading/index.js';
import type { BotSnapshot, ExecutionResult } from '../bot-executor.port.js';
import { GridDealManager } from './grid-deal.manager.js';
import { gridLines } from './grid-plan.js';
import type { GridSettingsDto } from './grid-settings.dto.js';
import { GridRangeHandler } from './grid-range.js';
import { GridStarter } from './grid-starter.js';

const CANDLE = '1m' as const;

/** The quote a new grid commits at most, what the account's risk limits weigh: its investment. */
export const gridCommitment = (settings: GridSettingsDto): number => gridLines(settings).investment;

/**
 * On every tick: starts the grids that start without a condition, stops the grids of bots that were stopped or
 * deleted (orders canceled, nothing left on the exchange), lays out again the grids whose bot's settings changed,
 * reconciles every running grid, checks its stop loss and take profit on each 1m candle closed since the last check,
 * and cancels any order still open on a grid that ended.
 */
@Injectable()
export class GridMonitor {
  private readonly logger = new Logger(GridMonitor.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly gridDeals: GridDealManager,
    private readonly starter: GridStarter,
    private readonly range: GridRangeHandler,
    private readonly deals: DealsService,
    private readonly placer: OrderPlacer,
    private readonly risk: RiskService,
    private readonly marketData: MarketDataSource,
    private readonly clock: Clock,
  ) {}

  async tick(): Promise<void> {
    await this.startImmediately();
    const open: { id: string; bot_id: string; running: boolean; exchange: string; edited: boolean }[] = await this.db.query(
      `SELECT d.id, d.bot_id, (b.status = 'running' AND b.deleted_at IS NULL) AS running, b.exchange, b.settings <> d.settings AS edited
       FROM deals d JOIN grids g ON g.deal_id = d.id JOIN bots b ON b.id = d.bot_id WHERE d.status = 'open' ORDER BY d.opened_at`,
    );
    for (const deal of open) {
      try {
        if (!deal.running) await this.gridDeals.abandon(deal.id, 'bot_stopped');
        else {
          if (deal.edited) await this.reshape(deal.bot_id);
          await this.gridDeals.sync(deal.id);
          await this.checkExits(deal.id, deal.exchange);
        }
      } catch (error) {
        this.logger.error({ err: error, dealId: deal.id, botId: deal.bot_id }, 'grid check failed; retried next tick');
      }
    }
    await this.cancelLeftovers();
  }

  /** Running grid bots without a grid that start at once: explicitly, or because they have no start condition. */
  private async startImmediately(): Promise<void> {
    const bots: BotSnapshot[] = await this.db.query(
      `SELECT id, account_id AS "accountId", exchange_account_id AS "exchangeAccountId", name, type, exchange, symbol, settings FROM bots b
       WHERE type = 'grid' AND status = 'running' AND deleted_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM deals d WHERE d.bot_id = b.id AND d.status = 'open')
         AND coalesce((settings->>'startImmediately')::boolean, NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.bot_id = b.id AND s.role = 'entry'))`,
    );
    for (const bot of bots) {
      const now = this.clock.now();
      const price = await this.marketData.lastPrice(bot.exchange, bot.symbol, now);
      const result: ExecutionResult = await this.db.transaction(async (manager) => {
        await manager.query(`SELECT 1 FROM bots WHERE id = $1 FOR UPDATE`, [bot.id]);
        // Without a trigger the notifier's risk check is not on the way: the account's limits are checked here.
        const risk = await this.risk.check(manager, bot.exchangeAccountId, { quoteAmount: gridCommitment(bot.settings as GridSettingsDto), at: now });
        if (!risk.allowed) return { outcome: 'refused', reason: `risk:${risk.rule}: ${risk.reason}`, orderIds: [] };
        return this.starter.start(manager, bot, null, now, price);
      });
      if (result.outcome !== 'executed') {
        this.logger.debug({ botId: bot.id, outcome: result.outcome, reason: result.reason }, 'grid not started');
        continue;
      }
      await this.placer.submit(result.orderIds);
      await result.afterCommit?.();
    }
  }

  /** The bot's settings were edited under its running grid: the grid follows them. */
  private async reshape(botId: string): Promise<void> {
    const [bot]: BotSnapshot[] = await this.db.query(
      `SELECT id, account_id AS "accountId", exchange_account_id AS "exchangeAccountId", name, type, exchange, symbol, settings FROM bots WHERE id = $1`,
      [botId],
    );
    const price = await this.marketData.lastPrice(bot.exchange, bot.symbol, this.clock.now());
    await this.db.transaction((manager) => this.range.reshape(manager, bot, price));
  }

  /** Stop loss and take profit of the whole grid, on the close of every 1m candle since the last check. */
  private async checkExits(dealId: string, exchange: string): Promise<void> {
    const repo = this.db.getRepository(DealEntity);
    const deal = await repo.findOneByOrFail({ id: dealId });
    const { stopLossPrice, takeProfitPrice } = deal.settings as GridSettingsDto;
    if (deal.status !== 'open' || deal.phase === 'closing' || (stopLossPrice == null && takeProfitPrice == null)) return;
    const since = deal.checkedUntil?.getTime() ?? deal.openedAt.getTime();
    const candles = await this.marketData.fetchClosedCandles({ exchange, symbol: deal.symbol, timeframe: CANDLE }, since, this.clock.now(), 10_000);
    if (candles.length === 0) return;
    const tf = timeframeMs(CANDLE);
    for (const candle of candles) {
      const reason = stopLossPrice != null && candle.close <= stopLossPrice ? 'stop_loss' : takeProfitPrice != null && candle.close >= takeProfitPrice ? 'take_profit' : null;
      if (!reason) continue;
      const at = candle.openTime + tf;
      await repo.update(dealId, { checkedUntil: new Date(at), lastPrice: candle.close });
      this.logger.log({ dealId, botId: deal.botId, reason, price: candle.close }, 'grid exit triggered');
      await this.gridDeals.requestClose(dealId, reason, at);
      return;
    }
    const last = candles[candles.length - 1];
    await repo.update(dealId, { checkedUntil: new Date(last.openTime + tf), lastPrice: last.close });
  }

  /** Orders of grids that ended (stopped, or canceled when an order was refused before anything filled) are canceled. */
  private async cancelLeftovers(): Promise<void> {
    const rows: { id: string; requested: boolean }[] = await this.db.query(
      `SELECT o.id, o.cancel_requested_at IS NOT NULL AS requested FROM orders o JOIN grids g ON g.deal_id = o.deal_id JOIN deals d ON d.id = o.deal_id
       WHERE d.status <> 'open' AND o.status IN ('pending', 'open', 'partially_filled')`,
    );
    if (rows.length === 0) return;
    await this.db.transaction((manager) => this.deals.requestCancel(manager, rows.filter((r) => !r.requested).map((r) => r.id), new Date(this.clock.now())));
    await this.placer.cancel(rows.map((r) => r.id));
  }
}
