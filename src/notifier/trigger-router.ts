import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { BotEntity } from '../bots/index.js';
import type { TriggerFiredV1 } from '../event-bus/index.js';
import { ExecutorRegistry, type ExecutionResult } from '../executors/index.js';
import { RegistryService, type SubscriptionRole } from '../registry/index.js';
import { RiskService } from '../risk/index.js';
import { OrderPlacer } from '../trading/index.js';

interface Recipient {
  bot: BotEntity;
  role: SubscriptionRole;
  /** Other entry conditions of the bot that did not hold when the trigger's candle closed. */
  unmet: string[];
}

/** Executors see a signal from outside as what it asks for: an entry or an exit. */
function asExecutorRole(role: SubscriptionRole): SubscriptionRole {
  return role === 'signal_entry' ? 'entry' : role === 'signal_exit' ? 'exit' : role;
}

/** What one routing pass did, counted by outcome; bots whose delivery already existed count as `duplicate`. */
export interface RouteSummary {
  executed: number;
  skipped: number;
  refused: number;
  duplicate: number;
}

/** A delivery could not be completed for reasons other than the bot's own rules: the message must be retried. */
export class DeliveryFailed extends Error {}

/**
 * Routes one trigger to every running bot subscribed to its condition. Each (trigger, bot) takes effect once:
 * its delivery row is inserted first in the bot's transaction, so a redelivered or concurrently claimed message
 * finds it and does nothing. One bot failing does not stop the others.
 */
@Injectable()
export class TriggerRouter {
  private readonly logger = new Logger(TriggerRouter.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: RegistryService,
    private readonly executors: ExecutorRegistry,
    private readonly placer: OrderPlacer,
    private readonly risk: RiskService,
  ) {}

  async route(trigger: TriggerFiredV1): Promise<RouteSummary> {
    const recipients = await this.recipientsOf(trigger);
    const failures: string[] = [];
    const summary: RouteSummary = { executed: 0, skipped: 0, refused: 0, duplicate: 0 };
    for (const recipient of recipients) {
      try {
        summary[(await this.deliver(trigger, recipient)) ?? 'duplicate'] += 1;
      } catch (error) {
        failures.push(recipient.bot.id);
        this.logger.error({ err: error, triggerId: trigger.triggerId, conditionId: trigger.conditionId, botId: recipient.bot.id }, 'delivery failed; it is retried');
      }
    }
    if (failures.length > 0) throw new DeliveryFailed(`delivery failed for bot(s) ${failures.join(', ')}`);
    await this.db.query(`UPDATE triggers SET handled_at = now() WHERE id = $1 AND handled_at IS NULL`, [trigger.triggerId]);
    return summary;
  }

  private async deliver(trigger: TriggerFiredV1, { bot, role, unmet }: Recipient): Promise<ExecutionResult['outcome'] | undefined> {
    const context = { triggerId: trigger.triggerId, conditionId: trigger.conditionId, botId: bot.id, role };
    const result = await this.db.transaction(async (manager) => {
      const claimed: unknown[] = await manager.query(
        `INSERT INTO deliveries (trigger_id, bot_id, role, outcome) VALUES ($1, $2, $3, 'skipped') ON CONFLICT DO NOTHING RETURNING bot_id`,
        [trigger.triggerId, bot.id, role],
      );
      if (claimed.length === 0) return undefined;
      // One decision per bot at a time: two triggers must not both see "no open deal".
      await manager.query(`SELECT 1 FROM bots WHERE id = $1 FOR UPDATE`, [bot.id]);
      const outcome: ExecutionResult =
        unmet.length > 0
          ? { outcome: 'skipped', reason: `other ${role} conditions did not hold: ${unmet.join(', ')}`, orderIds: [] }
          : (await this.riskRefusal(manager, bot, trigger, asExecutorRole(role))) ??
            (await this.executors.forType(bot.type).onTrigger({ manager, bot, trigger, role: asExecutorRole(role) }));
      await manager.query(`UPDATE deliveries SET outcome = $4, reason = $5 WHERE trigger_id = $1 AND bot_id = $2 AND role = $3`, [
        trigger.triggerId, bot.id, role, outcome.outcome, outcome.reason ?? null,
      ]);
      await this.registry.markTriggered(manager, trigger.conditionId, [bot.id], new Date(trigger.candleCloseTime));
      return outcome;
    });
    if (!result) {
      this.logger.debug(context, 'already delivered; nothing to do');
      return undefined;
    }
    this.logger.log({ ...context, outcome: result.outcome, reason: result.reason }, `trigger ${result.outcome}`);
    if (result.orderIds.length > 0) {
      this.placer.submit(result.orderIds).catch((error: unknown) => this.logger.error({ ...context, err: error }, 'order placement failed'));
    }
    if (result.afterCommit) {
      result.afterCommit().catch((error: unknown) => this.logger.warn({ ...context, err: error }, 'follow-up after delivery failed; the next tick catches up'));
    }
    return result.outcome;
  }

  /**
   * An entry the exchange account's risk limits refuse (across all its bots) is recorded as refused with the rule,
   * and the executor is not called. The check locks the account's risk row until this transaction commits.
   */
  private async riskRefusal(manager: EntityManager, bot: BotEntity, trigger: TriggerFiredV1, role: SubscriptionRole): Promise<ExecutionResult | undefined> {
    if (role !== 'entry') return undefined;
    const size = this.executors.forType(bot.type).entryCommitment?.(bot) ?? 0;
    const decision = await this.risk.check(manager, bot.exchangeAccountId, { quoteAmount: size, at: trigger.candleCloseTime });
    return decision.allowed ? undefined : { outcome: 'refused', reason: `risk:${decision.rule}: ${decision.reason}`, orderIds: [] };
  }

  private async recipientsOf(trigger: TriggerFiredV1): Promise<Recipient[]> {
    const subscribers: { bot_id: string; role: SubscriptionRole }[] = await this.db.query(
      `SELECT s.bot_id, s.role FROM subscriptions s JOIN bots b ON b.id = s.bot_id
       WHERE s.condition_id = $1 AND b.status = 'running' AND b.deleted_at IS NULL ORDER BY b.created_at, b.id`,
      [trigger.conditionId],
    );
    if (subscribers.length === 0) return [];
    const botIds = [...new Set(subscribers.map((s) => s.bot_id))];
    const bots = new Map((await this.db.getRepository(BotEntity).findBy({ id: In(botIds) })).map((bot) => [bot.id, bot]));
    const unmet = await this.unmetSignalConditions(trigger, botIds);
    return subscribers
      .filter((s) => bots.has(s.bot_id))
      .map((s) => ({ bot: bots.get(s.bot_id)!, role: s.role, unmet: unmet.get(`${s.bot_id}|${s.role}`) ?? [] }));
  }

  /**
   * A bot's entry (or exit) fires when all its entry (exit) conditions hold (AND), judged as of the trigger's candle
   * close. Other roles (a grid's range edges) stand alone.
   */
  private async unmetSignalConditions(trigger: TriggerFiredV1, botIds: string[]): Promise<Map<string, string[]>> {
    const others: { bot_id: string; role: string; id: string; timeframe: string }[] = await this.db.query(
      `SELECT s.bot_id, s.role, c.id, c.timeframe FROM subscriptions s JOIN conditions c ON c.id = s.condition_id
       WHERE s.bot_id = ANY($1::uuid[]) AND s.role IN ('entry', 'exit') AND s.condition_id <> $2
         AND EXISTS (SELECT 1 FROM subscriptions t WHERE t.bot_id = s.bot_id AND t.role = s.role AND t.condition_id = $2)`,
      [botIds, trigger.conditionId],
    );
    if (others.length === 0) return new Map();
    const distinct = [...new Map(others.map((o) => [o.id, o])).values()];
    const held = await this.registry.heldAt(distinct, trigger.candleCloseTime);
    const unmet = new Map<string, string[]>();
    for (const other of others) {
      if (held.get(other.id) === true) continue;
      const key = `${other.bot_id}|${other.role}`;
      unmet.set(key, [...(unmet.get(key) ?? []), other.id]);
    }
    return unmet;
  }
}
