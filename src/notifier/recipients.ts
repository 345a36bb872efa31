import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { TriggerFiredV1 } from '../event-bus/index.js';
import type { BotSnapshot } from '../executors/index.js';
import { RegistryService, type SubscriptionRole } from '../registry/index.js';
import type { Recipient } from './delivery.js';

/** Who a trigger goes to: the running bots subscribed to its condition, oldest bot first, with the AND rule judged. */
@Injectable()
export class RecipientFinder {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: RegistryService,
  ) {}

  async of(trigger: TriggerFiredV1): Promise<Recipient[]> {
    const rows: (BotSnapshot & { role: SubscriptionRole })[] = await this.db.query(
      `SELECT s.role, b.id, b.account_id AS "accountId", b.exchange_account_id AS "exchangeAccountId", b.name, b.type, b.exchange, b.symbol, b.settings
       FROM subscriptions s JOIN bots b ON b.id = s.bot_id
       WHERE s.condition_id = $1 AND b.status = 'running' AND b.deleted_at IS NULL ORDER BY b.created_at, b.id`,
      [trigger.conditionId],
    );
    if (rows.length === 0) return [];
    const bots = new Map<string, BotSnapshot>();
    for (const { role: _role, ...bot } of rows) if (!bots.has(bot.id)) bots.set(bot.id, bot);
    const unmet = await this.unmetSignalConditions(trigger, [...bots.keys()]);
    return rows.map((row) => ({ bot: bots.get(row.id)!, role: row.role, unmet: unmet.get(`${row.id}|${row.role}`) ?? [] }));
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
