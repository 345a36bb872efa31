import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { TriggerFiredV1 } from '../event-bus/index.js';
import { ExecutorRegistry, type EntryPlan, type PlannedEntry } from '../executors/index.js';
import { RegistryService } from '../registry/index.js';
import { RiskService, type RiskSession } from '../risk/index.js';
import { asExecutorRole, refusal, unmetConditions, type Delivered, type Recipient } from './delivery.js';
import { insertDeliveries, lockBots, undelivered } from './delivery-rows.js';

interface Planned {
  plan: EntryPlan;
  entry: PlannedEntry;
}

/**
 * Many bots' deliveries of one trigger in one transaction, with set-based statements: the bots locked at once and the
 * deliveries already made read under that lock, each account's risk read once, the entries of bot types that can
 * batch them planned together and written with one statement per table, the deliveries recorded at once. Decisions
 * are taken bot after bot in the recipients' order, each as the one-bot path (BotDelivery) would take it. Any error
 * fails the whole chunk (nothing is written); the router then delivers its bots one by one.
 */
@Injectable()
export class ChunkDelivery {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: RegistryService,
    private readonly executors: ExecutorRegistry,
    private readonly risk: RiskService,
  ) {}

  /** The recipients this call delivered, with what each did; those delivered before are left out. */
  deliver(trigger: TriggerFiredV1, recipients: Recipient[]): Promise<Delivered[]> {
    return this.db.transaction(async (manager) => {
      await lockBots(manager, recipients.map((r) => r.bot.id));
      const mine = await undelivered(manager, trigger.triggerId, recipients);
      if (mine.length === 0) return [];
      const risk = this.risk.session(manager, trigger.candleCloseTime);
      // Bots first, then the accounts' risk rows: the order the one-bot path and the kill switch take them in.
      await risk.lock(mine.filter((r) => this.isEntry(r)).map((r) => r.bot.exchangeAccountId));
      const delivered = await this.decide(manager, trigger, mine, risk, await this.plan(manager, trigger, mine));
      await insertDeliveries(manager, trigger.triggerId, delivered);
      await this.registry.markTriggered(manager, trigger.conditionId, [...new Set(mine.map((r) => r.bot.id))], new Date(trigger.candleCloseTime));
      return delivered;
    });
  }

  /**
   * Bot after bot: the AND rule, then the risk limits (in memory, against what the chunk has opened so far), then the
   * planned entry or, for what cannot be planned, the executor alone, after the entries kept so far are written so
   * that it sees them (and the account is read again afterwards).
   */
  private async decide(manager: EntityManager, trigger: TriggerFiredV1, mine: Recipient[], risk: RiskSession, plans: Map<Recipient, Planned>): Promise<Delivered[]> {
    const delivered: Delivered[] = [];
    const kept = new Map<EntryPlan, PlannedEntry[]>();
    const write = async () => {
      for (const [plan, entries] of kept) await plan.write(entries);
      kept.clear();
    };
    for (const recipient of mine) {
      const { bot } = recipient;
      const role = asExecutorRole(recipient.role);
      if (recipient.unmet.length > 0) {
        delivered.push({ recipient, result: unmetConditions(recipient) });
        continue;
      }
      const executor = this.executors.forType(bot.type);
      const refused = role === 'entry' ? refusal(await risk.check(bot.exchangeAccountId, executor.entryCommitment?.(bot) ?? 0)) : undefined;
      if (refused) {
        delivered.push({ recipient, result: refused });
        continue;
      }
      const planned = plans.get(recipient);
      if (planned) {
        if (!kept.has(planned.plan)) kept.set(planned.plan, []);
        kept.get(planned.plan)!.push(planned.entry);
        if (planned.entry.opens.length > 0) risk.opened(bot.exchangeAccountId, planned.entry.opens);
        delivered.push({ recipient, result: planned.entry.result });
        continue;
      }
      await write();
      delivered.push({ recipient, result: await executor.onTrigger({ manager, bot, trigger, role }) });
      risk.invalidate(bot.exchangeAccountId);
    }
    await write();
    return delivered;
  }

  /**
   * Plans the entries that can be planned: an entry with its conditions met, of a bot type with `planEntries`, and of
   * a bot that has no other role in this chunk (its other delivery must see what this one writes).
   */
  private async plan(manager: EntityManager, trigger: TriggerFiredV1, mine: Recipient[]): Promise<Map<Recipient, Planned>> {
    const roles = new Map<string, number>();
    for (const r of mine) roles.set(r.bot.id, (roles.get(r.bot.id) ?? 0) + 1);
    const byType = new Map<string, Recipient[]>();
    for (const r of mine) {
      if (!this.isEntry(r) || roles.get(r.bot.id) !== 1 || !this.executors.forType(r.bot.type).planEntries) continue;
      if (!byType.has(r.bot.type)) byType.set(r.bot.type, []);
      byType.get(r.bot.type)!.push(r);
    }
    const planned = new Map<Recipient, Planned>();
    for (const [type, recipients] of byType) {
      const plan = await this.executors.forType(type).planEntries!({ manager, bots: recipients.map((r) => r.bot), trigger });
      recipients.forEach((r, i) => planned.set(r, { plan, entry: plan.entries[i] }));
    }
    return planned;
  }

  private isEntry(recipient: Recipient): boolean {
    return recipient.unmet.length === 0 && asExecutorRole(recipient.role) === 'entry';
  }
}
