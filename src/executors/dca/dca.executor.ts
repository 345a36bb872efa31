import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../../clock/index.js';
import { MarketDataSource } from '../../market-data/index.js';
import { RiskService } from '../../risk/risk.service.js';
import { DealsService, type DealOpening } from '../../trading/index.js';
import { BotExecutor, type BotSnapshot, type EntryBatchContext, type EntryPlan, type ExecutionResult, type PlannedEntry, type TriggerContext } from '../bot-executor.port.js';
import { PositionDealManager } from '../position/position-deal.manager.js';
import { PositionMonitor } from '../position/position-monitor.js';
import { dcaEntry, lastClosedOf } from './dca-entry.js';
import type { DcaSettingsDto } from './dca-settings.dto.js';

/** DCA: a trigger (or "as soon as possible") opens a deal with a base order; the deal manager runs it from there. */
@Injectable()
export class DcaExecutor extends BotExecutor implements OnModuleInit {
  readonly type = 'dca';
  private readonly logger = new Logger(DcaExecutor.name);

  constructor(
    private readonly deals: DealsService,
    private readonly manager: PositionDealManager,
    private readonly monitor: PositionMonitor,
    private readonly clock: Clock,
    @InjectDataSource() private readonly db: DataSource,
    private readonly risk: RiskService,
    private readonly marketData: MarketDataSource,
  ) {
    super();
  }

  onModuleInit(): void {
    this.manager.manage(this.type);
  }

  async onTrigger({ manager, bot, trigger, role }: TriggerContext): Promise<ExecutionResult> {
    if (role === 'exit') return this.closeOnSignal(manager, bot.id, trigger.candleCloseTime);
    return this.open(manager, bot, trigger.triggerId, trigger.candleCloseTime, trigger.values.close ?? undefined);
  }

  override entryCommitment(bot: BotSnapshot): number {
    return Number((bot.settings as DcaSettingsDto).baseOrderSize);
  }

  override async onTick(): Promise<void> {
    await this.startAsapDeals();
    await this.monitor.tick(this.type);
  }

  override closeDeal(dealId: string, reason: string): Promise<void> {
    return this.manager.requestClose(dealId, reason, this.clock.now());
  }

  override cancelDeal(dealId: string, reason: string): Promise<void> {
    return this.manager.cancel(dealId, reason);
  }

  override idle(): Promise<void> {
    return this.manager.idle();
  }

  /** Every bot's entry decided from one read of their deals, as `open` would decide it; the deals kept written together. */
  override async planEntries({ manager, bots, trigger }: EntryBatchContext): Promise<EntryPlan> {
    const open = await this.deals.openDealsOf(manager, bots.map((bot) => bot.id));
    const lastClosed = await lastClosedOf(manager, bots.filter((bot) => (bot.settings as DcaSettingsDto).cooldown).map((bot) => bot.id));
    const openings = new Map<PlannedEntry, DealOpening>();
    const entries = bots.map((bot): PlannedEntry => {
      const entry = dcaEntry(bot, open.get(bot.id) ?? [], lastClosed.get(bot.id) ?? null, trigger.triggerId, trigger.candleCloseTime, trigger.values.close ?? undefined);
      if ('skip' in entry) return { bot, result: { outcome: 'skipped', reason: entry.skip, orderIds: [] }, opens: [] };
      const opening = this.deals.prepareOpening(entry.open);
      const planned = { bot, result: { outcome: 'executed' as const, orderIds: [opening.order.id] }, opens: [opening.order] };
      openings.set(planned, opening);
      return planned;
    });
    return { entries, write: (kept) => this.deals.insertOpenings(manager, kept.flatMap((entry) => openings.get(entry) ?? [])) };
  }

  /** An exit signal (from outside) closes the bot's open deals at market. */
  private async closeOnSignal(manager: EntityManager, botId: string, at: number): Promise<ExecutionResult> {
    const open = (await this.deals.openDeals(manager, botId)).filter((deal) => deal.phase !== 'closing');
    if (open.length === 0) return { outcome: 'skipped', reason: 'no open deal to exit', orderIds: [] };
    for (const deal of open) await this.manager.markClosing(manager, deal.id, 'exit_signal', at);
    return { outcome: 'executed', reason: `exit signal: closing ${open.length} deal(s)`, orderIds: [], afterCommit: async () => { for (const deal of open) await this.manager.sync(deal.id); } };
  }

  /** Opens a deal unless the bot's own limits say no (dcaEntry). */
  private async open(manager: EntityManager, bot: BotSnapshot, triggerId: string | null, decidedAt: number, price?: number): Promise<ExecutionResult> {
    const open = await this.deals.openDeals(manager, bot.id);
    const lastClosed = (bot.settings as DcaSettingsDto).cooldown ? (await lastClosedOf(manager, [bot.id])).get(bot.id) ?? null : null;
    const entry = dcaEntry(bot, open, lastClosed, triggerId, decidedAt, price);
    if ('skip' in entry) return { outcome: 'skipped', reason: entry.skip, orderIds: [] };
    const { order } = await this.deals.openDeal(manager, entry.open);
    return { outcome: 'executed', orderIds: [order.id] };
  }

  /** Bots that start deals "as soon as possible" get one whenever they have room for it. */
  private async startAsapDeals(): Promise<void> {
    const bots: BotSnapshot[] = await this.db.query(
      `SELECT id, account_id AS "accountId", exchange_account_id AS "exchangeAccountId", name, type, exchange, symbol, settings
       FROM bots WHERE type = 'dca' AND status = 'running' AND deleted_at IS NULL AND (settings->>'startAsap')::boolean IS TRUE`,
    );
    for (const bot of bots) {
      const result = await this.db.transaction(async (manager) => {
        await manager.query(`SELECT 1 FROM bots WHERE id = $1 FOR UPDATE`, [bot.id]);
        const now = this.clock.now();
        // Without a trigger the notifier's risk check is not on the way: the account's limits are checked here.
        const risk = await this.risk.check(manager, bot.exchangeAccountId, { quoteAmount: Number(bot.settings.baseOrderSize), at: now });
        if (!risk.allowed) return { outcome: 'refused' as const, reason: `risk:${risk.rule}: ${risk.reason}`, orderIds: [] };
        return this.open(manager, bot, null, now, await this.marketData.lastPrice(bot.exchange, bot.symbol, now));
      });
      if (result.outcome === 'executed') this.logger.log({ botId: bot.id }, 'deal started as soon as possible');
      if (result.outcome === 'refused') this.logger.debug({ botId: bot.id, reason: result.reason }, 'no deal started: refused by a risk limit');
    }
  }
}
