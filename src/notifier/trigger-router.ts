import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { TriggerFiredV1 } from '../event-bus/index.js';
import { ExecutorRegistry } from '../executors/index.js';
import { OrderPlacer } from '../trading/index.js';
import { BotDelivery } from './bot-delivery.js';
import { ChunkDelivery } from './chunk-delivery.js';
import { DeliveryFailed, type Delivered, type Recipient, type RouteSummary } from './delivery.js';
import { deliveryKey, existingDeliveries } from './delivery-rows.js';
import { RecipientFinder } from './recipients.js';

export { DeliveryFailed, type RouteSummary } from './delivery.js';

/**
 * Recipients per transaction. One commit (one fsync) and a dozen set-based statements per chunk instead of per bot is
 * most of the throughput; bigger chunks hold the bots' and accounts' locks longer (about 0.2 s for 1,000 here) and send
 * more bots the slow way when a chunk fails. Measured with 2,000 DCA bots (bench/notifier-throughput): 1,000 routed
 * 35-45 % faster than 500 and ended a little sooner end to end; one chunk for all lost the overlap with placement.
 */
export const CHUNK_SIZE = 1000;

/**
 * Routes one trigger to every running bot subscribed to its condition. Each (trigger, bot, role) takes effect once:
 * the transaction that decides it locks the bot's row, reads whether the delivery exists, and records it with the
 * outcome (primary key), so a redelivered or concurrently handled message finds it and does nothing. Recipients go in
 * chunks, one transaction each (ChunkDelivery); a chunk that fails is delivered again bot by bot (BotDelivery), so
 * one bot failing does not stop the others.
 */
@Injectable()
export class TriggerRouter {
  private readonly logger = new Logger(TriggerRouter.name);
  /** Recipients per transaction (CHUNK_SIZE); tests lower it to cross chunk boundaries with few bots. */
  chunkSize = CHUNK_SIZE;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly recipients: RecipientFinder,
    private readonly chunks: ChunkDelivery,
    private readonly single: BotDelivery,
    private readonly executors: ExecutorRegistry,
    private readonly placer: OrderPlacer,
  ) {}

  async route(trigger: TriggerFiredV1): Promise<RouteSummary> {
    const all = await this.recipients.of(trigger);
    // Deliveries made by an earlier pass are left out before any lock is taken: a redelivery costs one read. (The
    // check that counts is made again under the bots' locks.)
    const done = await existingDeliveries(this.db, trigger.triggerId);
    const recipients = all.filter((r) => !done.has(deliveryKey(r.bot.id, r.role)));
    const summary: RouteSummary = { executed: 0, skipped: 0, refused: 0, duplicate: all.length - recipients.length };
    const failures: string[] = [];
    for (let from = 0; from < recipients.length; from += this.chunkSize) {
      await this.routeChunk(trigger, recipients.slice(from, from + this.chunkSize), summary, failures);
    }
    if (failures.length > 0) throw new DeliveryFailed(`delivery failed for bot(s) ${failures.join(', ')}`);
    await this.db.query(`UPDATE triggers SET handled_at = now() WHERE id = $1 AND handled_at IS NULL`, [trigger.triggerId]);
    return summary;
  }

  private async routeChunk(trigger: TriggerFiredV1, chunk: Recipient[], summary: RouteSummary, failures: string[]): Promise<void> {
    // A bot of a type nobody executes can only fail: it goes alone, and does not send its whole chunk the slow way.
    const together = chunk.filter((r) => this.executors.has(r.bot.type));
    const alone = chunk.filter((r) => !this.executors.has(r.bot.type));
    if (together.length > 0) {
      try {
        const delivered = await this.chunks.deliver(trigger, together);
        this.count(summary, delivered, together.length);
        this.followUp(trigger, delivered);
      } catch (error) {
        this.logger.warn({ err: error, triggerId: trigger.triggerId, bots: together.length }, 'chunk delivery failed; delivering its bots one by one');
        alone.unshift(...together);
      }
    }
    for (const recipient of alone) {
      try {
        const delivered = await this.single.deliver(trigger, recipient);
        this.count(summary, delivered ? [delivered] : [], 1);
        if (delivered) this.followUp(trigger, [delivered]);
      } catch (error) {
        failures.push(recipient.bot.id);
        this.logger.error({ err: error, triggerId: trigger.triggerId, conditionId: trigger.conditionId, botId: recipient.bot.id }, 'delivery failed; it is retried');
      }
    }
  }

  private count(summary: RouteSummary, delivered: Delivered[], attempted: number): void {
    for (const { result } of delivered) summary[result.outcome] += 1;
    summary.duplicate += attempted - delivered.length;
  }

  /**
   * Once committed: the outcomes logged, the orders sent (all of the chunk's at once), the executors' follow-ups run.
   * One info line per chunk, each bot's at debug: every outcome is in the deliveries table with its reason, and a line
   * per bot at info (with the placer's per order) took about 40 % of Node's time during routing (bench/findings.md).
   */
  private followUp(trigger: TriggerFiredV1, delivered: Delivered[]): void {
    const orderIds: string[] = [];
    const outcomes = { executed: 0, skipped: 0, refused: 0 };
    for (const { recipient, result } of delivered) {
      const context = { triggerId: trigger.triggerId, conditionId: trigger.conditionId, botId: recipient.bot.id, role: recipient.role };
      this.logger.debug({ ...context, outcome: result.outcome, reason: result.reason }, `trigger ${result.outcome}`);
      outcomes[result.outcome] += 1;
      orderIds.push(...result.orderIds);
      result.afterCommit?.().catch((error: unknown) => this.logger.warn({ ...context, err: error }, 'follow-up after delivery failed; the next tick catches up'));
    }
    this.logger.log({ triggerId: trigger.triggerId, conditionId: trigger.conditionId, bots: delivered.length, ...outcomes }, 'trigger delivered');
    if (orderIds.length > 0) {
      this.placer.submit(orderIds).catch((error: unknown) => this.logger.error({ triggerId: trigger.triggerId, err: error, orders: orderIds.length }, 'order placement failed'));
    }
  }
}
