import type { EntityManager } from 'typeorm';
import type { DealEntity, OpenDealRequest } from '../../trading/index.js';
import type { BotSnapshot } from '../bot-executor.port.js';
import type { DcaSettingsDto } from './dca-settings.dto.js';

/** Either why the bot opens no deal, or the deal it opens. */
export type DcaEntry = { skip: string } | { open: OpenDealRequest };

/**
 * A DCA bot's entry, from its own rows only (open deals, when its last deal ended): the bot's limits say no (max
 * active deals, cooldown since the last deal ended), or a deal opens with a base order. A limit base order is priced
 * at `price` (the trigger candle's close); without one it goes at market. Shared by one trigger and a batch of them.
 */
export function dcaEntry(bot: BotSnapshot, open: DealEntity[], lastClosedAt: Date | null, triggerId: string | null, decidedAt: number, price?: number): DcaEntry {
  const settings = bot.settings as DcaSettingsDto;
  const maxActive = settings.maxActiveDeals ?? 1;
  if (open.length >= maxActive) {
    return { skip: maxActive === 1 ? `bot already has an open deal (${open[0].id})` : `max active deals reached (${open.length} of ${maxActive})` };
  }
  if (settings.cooldown) {
    const until = lastClosedAt ? lastClosedAt.getTime() + settings.cooldown * 1000 : 0;
    if (decidedAt < until) return { skip: `cooling down until ${new Date(until).toISOString()}` };
  }
  const type = settings.orderType === 'limit' && price !== undefined ? 'limit' : 'market';
  return {
    open: {
      botId: bot.id, exchangeAccountId: bot.exchangeAccountId, symbol: bot.symbol, direction: settings.direction ?? 'long',
      triggerId, decidedAt, settings,
      baseOrder: { type, quoteAmount: settings.baseOrderSize, ...(type === 'limit' && { price }), referencePrice: price },
    },
  };
}

/** When each bot's last deal ended, for the bots among `botIds` that have one; read only for bots with a cooldown. */
export async function lastClosedOf(manager: EntityManager, botIds: string[]): Promise<Map<string, Date>> {
  if (botIds.length === 0) return new Map();
  const rows: { bot_id: string; at: Date | null }[] = await manager.query(
    `SELECT bot_id, max(closed_at) AS at FROM deals WHERE bot_id = ANY($1::uuid[]) AND status <> 'open' GROUP BY bot_id`,
    [botIds],
  );
  return new Map(rows.filter((row) => row.at !== null).map((row) => [row.bot_id, row.at!]));
}
