import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../clock/index.js';
import { ExchangeAccountsService } from '../exchange/index.js';
import type { RiskSettingsDto } from './dto/risk-settings.dto.js';
import { pauseEnd, type RiskDecision, type RiskRequest } from './risk-rules.js';
import { RiskSession } from './risk-session.js';
import { RiskSettingsEntity } from './risk-settings.entity.js';
import { readSnapshot } from './risk-snapshot.js';
import { toRiskView, type RiskView } from './risk.view.js';

/** Risk limits per exchange account, across every bot that trades on it. */
@Injectable()
export class RiskService {
  private readonly logger = new Logger(RiskService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly accounts: ExchangeAccountsService,
    private readonly clock: Clock,
  ) {}

  /**
   * Whether one more deal may open on the account, decided at market time `request.at` (the trigger's, so a
   * replay decides the same). Call it inside the transaction that opens the deal: it locks the account's risk row
   * until that transaction ends, so two bots on one account cannot both pass a limit at once.
   */
  check(manager: EntityManager, exchangeAccountId: string, request: RiskRequest): Promise<RiskDecision> {
    return this.session(manager, request.at).check(exchangeAccountId, request.quoteAmount);
  }

  /** Many entries decided at market time `at` in the caller's transaction, each account locked and read once (RiskSession). */
  session(manager: EntityManager, at: number): RiskSession {
    return new RiskSession(manager, at, this.logger);
  }

  /** The account's risk row, locked for the caller's transaction; created with no limit set when missing. */
  async lock(manager: EntityManager, exchangeAccountId: string): Promise<RiskSettingsEntity> {
    await manager.query(`INSERT INTO risk_settings (exchange_account_id) VALUES ($1) ON CONFLICT DO NOTHING`, [exchangeAccountId]);
    return manager.findOneOrFail(RiskSettingsEntity, { where: { exchangeAccountId }, lock: { mode: 'pessimistic_write' } });
  }

  async view(exchangeAccountId: string, accountId: string): Promise<RiskView> {
    await this.accounts.find(exchangeAccountId, accountId);
    const at = this.clock.now();
    const settings = await this.db.manager.findOneBy(RiskSettingsEntity, { exchangeAccountId });
    const guard = settings?.stoplossGuard ?? null;
    const snapshot = await readSnapshot(this.db.manager, exchangeAccountId, at, guard?.windowSeconds ?? null);
    return toRiskView(exchangeAccountId, settings, snapshot, at, pauseEnd(guard, snapshot.stopLosses, settings?.pausedUntil?.getTime() ?? null));
  }

  /** Replaces the limits; a limit left out is off. Turning the stoploss guard off ends its pause. */
  async replace(exchangeAccountId: string, dto: RiskSettingsDto, accountId: string): Promise<RiskView> {
    await this.accounts.find(exchangeAccountId, accountId);
    const limits = {
      maxExposure: dto.maxExposure ?? null,
      maxOpenDeals: dto.maxOpenDeals ?? null,
      dailyLossLimit: dto.dailyLossLimit ?? null,
      stoplossGuard: dto.stoplossGuard ? { count: dto.stoplossGuard.count, windowSeconds: dto.stoplossGuard.windowSeconds, cooldownSeconds: dto.stoplossGuard.cooldownSeconds } : null,
    };
    await this.db.transaction(async (manager) => {
      await this.lock(manager, exchangeAccountId);
      await manager.update(RiskSettingsEntity, exchangeAccountId, {
        ...limits,
        ...(limits.stoplossGuard === null && { pausedUntil: null }),
        updatedAt: new Date(),
      });
    });
    this.logger.log({ exchangeAccountId, ...limits }, 'risk limits replaced');
    return this.view(exchangeAccountId, accountId);
  }

  /** Marks the kill switch engaged (keeping the first time it was), inside the caller's transaction. */
  async engageKillSwitch(manager: EntityManager, exchangeAccountId: string, at: number): Promise<Date> {
    const settings = await this.lock(manager, exchangeAccountId);
    const since = settings.killSwitchAt ?? new Date(at);
    await manager.update(RiskSettingsEntity, exchangeAccountId, { killSwitchAt: since, updatedAt: new Date() });
    return since;
  }

  /** Re-arms the account: new deals are judged by the other limits again. Stopped bots stay stopped until started. */
  async rearm(exchangeAccountId: string, accountId: string): Promise<RiskView> {
    await this.accounts.find(exchangeAccountId, accountId);
    await this.db.transaction(async (manager) => {
      await this.lock(manager, exchangeAccountId);
      await manager.update(RiskSettingsEntity, exchangeAccountId, { killSwitchAt: null, updatedAt: new Date() });
    });
    this.logger.warn({ exchangeAccountId }, 'kill switch re-armed');
    return this.view(exchangeAccountId, accountId);
  }
}
