import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { TriggerFiredV1 } from '../event-bus/index.js';
import { ExecutorRegistry, type ExecutionResult } from '../executors/index.js';
import { RegistryService } from '../registry/index.js';
import { RiskService } from '../risk/index.js';
import { asExecutorRole, refusal, unmetConditions, type Delivered, type Recipient } from './delivery.js';
import { insertDeliveries, lockBots, undelivered } from './delivery-rows.js';

/**
 * One bot's delivery in a transaction of its own: the path a chunk falls back to when it failed as a whole, so that
 * the bot that broke it fails alone. Same statements and the same order of locks as a chunk of one.
 */
@Injectable()
export class BotDelivery {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: RegistryService,
    private readonly executors: ExecutorRegistry,
    private readonly risk: RiskService,
  ) {}

  /** What the delivery did, or undefined when it had already been made. */
  deliver(trigger: TriggerFiredV1, recipient: Recipient): Promise<Delivered | undefined> {
    const { bot, role } = recipient;
    return this.db.transaction(async (manager) => {
      await lockBots(manager, [bot.id]);
      if ((await undelivered(manager, trigger.triggerId, [recipient])).length === 0) return undefined;
      const asRole = asExecutorRole(role);
      let result: ExecutionResult | undefined = recipient.unmet.length > 0 ? unmetConditions(recipient) : undefined;
      if (!result && asRole === 'entry') {
        const quoteAmount = this.executors.forType(bot.type).entryCommitment?.(bot) ?? 0;
        result = refusal(await this.risk.check(manager, bot.exchangeAccountId, { quoteAmount, at: trigger.candleCloseTime }));
      }
      result ??= await this.executors.forType(bot.type).onTrigger({ manager, bot, trigger, role: asRole });
      const delivered = { recipient, result };
      await insertDeliveries(manager, trigger.triggerId, [delivered]);
      await this.registry.markTriggered(manager, trigger.conditionId, [bot.id], new Date(trigger.candleCloseTime));
      return delivered;
    });
  }
}
