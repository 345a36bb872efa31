import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../clock/index.js';
import { ExchangeAccountsService } from '../exchange/index.js';
import { ExecutorRegistry } from '../executors/index.js';
import { DealsService, OrderPlacer } from '../trading/index.js';
import { RiskService } from './risk.service.js';

export const KILL_SWITCH_REASON = 'kill_switch';

export interface KillSwitchResult {
  exchangeAccountId: string;
  killSwitchAt: string;
  /** Bots that were running and are now stopped. */
  botsStopped: string[];
  /** Orders not yet finished whose cancellation was sent; each ends as the exchange says (canceled, or filled meanwhile). */
  ordersCanceled: string[];
  /** Open deals asked to close at market (`closePositions`). */
  dealsClosing: string[];
  /** Open deals abandoned (without `closePositions`): orders canceled, position left on the exchange. */
  dealsAbandoned: string[];
  /** Deals the executor of their bot type could not close or abandon, with why. */
  dealsFailed: { dealId: string; error: string }[];
}

/**
 * Stops all trading on an exchange account at once: marks the account (new deals refused), stops its running bots,
 * cancels all its unfinished orders, and closes or abandons its open deals through their bot type's executor.
 *
 * Without `closePositions` the deals are abandoned (BotExecutor.cancelDeal) rather than left open: an open DCA deal
 * whose orders were canceled gets them placed again by its deal manager on the next order change or tick.
 */
@Injectable()
export class KillSwitchService {
  private readonly logger = new Logger(KillSwitchService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly accounts: ExchangeAccountsService,
    private readonly risk: RiskService,
    private readonly deals: DealsService,
    private readonly placer: OrderPlacer,
    private readonly executors: ExecutorRegistry,
    private readonly clock: Clock,
  ) {}

  async engage(exchangeAccountId: string, closePositions: boolean, accountId: string): Promise<KillSwitchResult> {
    await this.accounts.find(exchangeAccountId, accountId);
    const at = this.clock.now();
    const marked = await this.db.transaction(async (manager) => {
      // Bots first, then the risk row: the order a delivery takes its locks in, so the two never deadlock.
      const bots: { id: string; status: string }[] = await manager.query(
        `SELECT id, status FROM bots WHERE exchange_account_id = $1 AND deleted_at IS NULL ORDER BY id FOR UPDATE`,
        [exchangeAccountId],
      );
      const since = await this.risk.engageKillSwitch(manager, exchangeAccountId, at);
      const running = bots.filter((bot) => bot.status === 'running').map((bot) => bot.id);
      if (running.length > 0) await manager.query(`UPDATE bots SET status = 'stopped', updated_at = now() WHERE id = ANY($1::uuid[])`, [running]);
      const orders: { id: string }[] = await manager.query(
        `SELECT id FROM orders WHERE exchange_account_id = $1 AND status IN ('pending', 'open', 'partially_filled') ORDER BY created_at`,
        [exchangeAccountId],
      );
      await this.deals.requestCancel(manager, orders.map((o) => o.id), new Date(at));
      const open: { id: string; type: string }[] = await manager.query(
        `SELECT d.id, b.type FROM deals d JOIN bots b ON b.id = d.bot_id WHERE d.exchange_account_id = $1 AND d.status = 'open' ORDER BY d.opened_at, d.id`,
        [exchangeAccountId],
      );
      return { since, running, orderIds: orders.map((o) => o.id), open };
    });
    this.logger.warn({ exchangeAccountId, botsStopped: marked.running.length, orders: marked.orderIds.length, deals: marked.open.length, closePositions }, 'kill switch engaged');
    await this.placer.cancel(marked.orderIds);
    const result: KillSwitchResult = {
      exchangeAccountId, killSwitchAt: marked.since.toISOString(), botsStopped: marked.running, ordersCanceled: marked.orderIds,
      dealsClosing: [], dealsAbandoned: [], dealsFailed: [],
    };
    for (const deal of marked.open) await this.endDeal(deal, closePositions, result);
    return result;
  }

  private async endDeal(deal: { id: string; type: string }, closePositions: boolean, result: KillSwitchResult): Promise<void> {
    try {
      const executor = this.executors.forType(deal.type);
      const end = closePositions ? executor.closeDeal : executor.cancelDeal;
      if (!end) throw new Error(`${deal.type} deals cannot be ${closePositions ? 'closed' : 'abandoned'} by the kill switch`);
      await end.call(executor, deal.id, KILL_SWITCH_REASON);
      (closePositions ? result.dealsClosing : result.dealsAbandoned).push(deal.id);
    } catch (error) {
      this.logger.error({ err: error, dealId: deal.id }, 'kill switch could not end a deal');
      result.dealsFailed.push({ dealId: deal.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
}
