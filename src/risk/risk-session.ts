import type { Logger } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { add, toNumber, type ExactDecimal } from './exact-decimal.js';
import { evaluateRisk, type RiskDecision, type RiskLimits } from './risk-rules.js';
import { RiskSettingsEntity } from './risk-settings.entity.js';
import { inFlightValue, partsFor, readExactSnapshot, type ExactSnapshot, type NewOrderValue, type SnapshotParts } from './risk-snapshot.js';

export const limitsOf = (row: RiskSettingsEntity): RiskLimits => ({
  maxExposure: row.maxExposure,
  maxOpenDeals: row.maxOpenDeals,
  dailyLossLimit: row.dailyLossLimit,
  stoplossGuard: row.stoplossGuard,
  pausedUntil: row.pausedUntil?.getTime() ?? null,
  killSwitchAt: row.killSwitchAt?.getTime() ?? null,
});

interface AccountRisk {
  limits: RiskLimits;
  /** What the limits read: a part no limit reads is neither read nor kept up to date. */
  parts: SnapshotParts;
  /** Read at the first check; undefined again after `invalidate`. */
  snapshot?: ExactSnapshot;
}

/**
 * The risk limits of the accounts one transaction opens deals on, decided at one market time. Each account's risk
 * row is locked for the rest of the transaction and its state read once; entries are then decided in memory, and
 * each deal the transaction opens is added (`opened`) exactly as a fresh read would count it. The decisions are the
 * ones a check per entry would give: nobody else can open a deal on a locked account before this transaction ends.
 */
export class RiskSession {
  private readonly accounts = new Map<string, AccountRisk>();

  constructor(
    private readonly manager: EntityManager,
    private readonly at: number,
    private readonly logger: Logger,
  ) {}

  /**
   * Locks the accounts' risk rows (created with no limit set when missing), in id order: the order every transaction
   * takes several in, so two sessions never wait on each other. Call it after the bot rows are locked.
   */
  async lock(exchangeAccountIds: string[]): Promise<void> {
    const ids = [...new Set(exchangeAccountIds)].filter((id) => !this.accounts.has(id)).sort();
    if (ids.length === 0) return;
    await this.manager.query(`INSERT INTO risk_settings (exchange_account_id) SELECT id FROM unnest($1::uuid[]) AS id ORDER BY id ON CONFLICT DO NOTHING`, [ids]);
    const rows = await this.manager.find(RiskSettingsEntity, { where: { exchangeAccountId: In(ids) }, order: { exchangeAccountId: 'ASC' }, lock: { mode: 'pessimistic_write' } });
    for (const row of rows) {
      const limits = limitsOf(row);
      this.accounts.set(row.exchangeAccountId, { limits, parts: partsFor(limits) });
    }
  }

  /** Whether one more deal committing `quoteAmount` (quote currency) may open on the account. */
  async check(exchangeAccountId: string, quoteAmount: number): Promise<RiskDecision> {
    // Locked already for every entry of a chunk but the first: no statement, and no extra turn of the event loop.
    if (!this.accounts.has(exchangeAccountId)) await this.lock([exchangeAccountId]);
    const account = this.accounts.get(exchangeAccountId)!;
    account.snapshot ??= await readExactSnapshot(this.manager, exchangeAccountId, this.at, account.parts);
    const exposure = account.parts.exposure ? toNumber(account.snapshot.exposure) : 0;
    const { decision, pausedUntil } = evaluateRisk(account.limits, { ...account.snapshot, exposure }, { quoteAmount, at: this.at });
    if (pausedUntil !== null && pausedUntil !== account.limits.pausedUntil) {
      await this.manager.update(RiskSettingsEntity, exchangeAccountId, { pausedUntil: new Date(pausedUntil), updatedAt: new Date() });
      account.limits.pausedUntil = pausedUntil;
      this.logger.warn({ exchangeAccountId, pausedUntil: new Date(pausedUntil).toISOString() }, 'stoploss guard tripped: new deals paused');
    }
    if (!decision.allowed) this.logger.log({ exchangeAccountId, rule: decision.rule, reason: decision.reason }, 'new deal refused by a risk rule');
    return decision;
  }

  /**
   * A deal this transaction opened after `check` allowed it, with its first orders: one more open deal, and the
   * exposure its orders add. It must be written before anything reads the account again (`invalidate`).
   */
  opened(exchangeAccountId: string, orders: NewOrderValue[]): void {
    const account = this.accounts.get(exchangeAccountId);
    const snapshot = account?.snapshot;
    if (!account || !snapshot) throw new Error(`risk session: a deal was opened on account ${exchangeAccountId} without a check`);
    snapshot.openDeals += 1;
    // Exact sums cost more than the rest of a decision: kept only where a limit reads them.
    if (account.parts.exposure) snapshot.exposure = orders.reduce((sum: ExactDecimal, order) => add(sum, inFlightValue(order)), snapshot.exposure);
  }

  /** Something wrote to the account's deals without telling the session (an executor run alone): read it again. */
  invalidate(exchangeAccountId: string): void {
    const account = this.accounts.get(exchangeAccountId);
    if (account) account.snapshot = undefined;
  }
}
