import type { EntityManager } from 'typeorm';
import type { Delivered, Recipient } from './delivery.js';

export const deliveryKey = (botId: string, role: string) => `${botId}|${role}`;

/**
 * One decision per bot at a time: two triggers must not both see "no open deal", and two deliveries of the same
 * trigger must not both see it undelivered. Every delivery takes its bots' rows first, in id order, with FOR NO KEY
 * UPDATE: it conflicts with itself and with the FOR UPDATE of the kill switch and of the executors' own starts, but
 * not with the KEY SHARE locks that the foreign keys of new rows (deliveries, deals, orders) take on a bot, so two
 * deliveries to the same bots queue instead of deadlocking.
 */
export async function lockBots(manager: EntityManager, botIds: string[]): Promise<void> {
  // Counted rather than returned: the locks are the point, and a thousand rows of nothing still cost Node their parsing.
  await manager.query(`SELECT count(*) FROM (SELECT 1 FROM bots WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE) AS locked`, [[...new Set(botIds)]]);
}

/**
 * The deliveries of the trigger that exist, by (bot, role) key. Read after `lockBots`, it is authoritative for those
 * bots: whoever delivered to them held their rows and has committed (this statement sees it) or rolled back.
 */
export async function existingDeliveries(manager: Pick<EntityManager, 'query'>, triggerId: string, botIds?: string[]): Promise<Set<string>> {
  const rows: { bot_id: string; role: string }[] = await manager.query(
    `SELECT bot_id, role FROM deliveries WHERE trigger_id = $1 AND ($2::uuid[] IS NULL OR bot_id = ANY($2::uuid[]))`,
    [triggerId, botIds ?? null],
  );
  return new Set(rows.map((row) => deliveryKey(row.bot_id, row.role)));
}

/**
 * Records the deliveries with their outcomes, one statement for all. No ON CONFLICT: the (trigger, bot, role)
 * primary key is the last guard of exactly-once, and a row inserted by someone who skipped the bot lock makes this
 * transaction fail (and roll back everything it decided) rather than act a second time.
 */
export async function insertDeliveries(manager: EntityManager, triggerId: string, delivered: Delivered[]): Promise<void> {
  if (delivered.length === 0) return;
  await manager.query(
    `INSERT INTO deliveries (trigger_id, bot_id, role, outcome, reason)
     SELECT $1, u.bot_id, u.role, u.outcome, u.reason FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) AS u(bot_id, role, outcome, reason)`,
    [
      triggerId, delivered.map((d) => d.recipient.bot.id), delivered.map((d) => d.recipient.role),
      delivered.map((d) => d.result.outcome), delivered.map((d) => d.result.reason ?? null),
    ],
  );
}

/** The recipients not delivered yet, after `lockBots`: the ones this transaction decides. */
export async function undelivered(manager: EntityManager, triggerId: string, recipients: Recipient[]): Promise<Recipient[]> {
  const existing = await existingDeliveries(manager, triggerId, recipients.map((r) => r.bot.id));
  return recipients.filter((r) => !existing.has(deliveryKey(r.bot.id, r.role)));
}
