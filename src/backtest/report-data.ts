import { DataSource } from 'typeorm';
import type { ProviderSource } from './replay-driver.js';

/** One deal, a round trip: prices are averages over its fills, amounts in base, values and PnL in quote. */
export interface DealRecord {
  id: string;
  status: string;
  direction: string;
  openedAt: string;
  closedAt: string | null;
  durationSeconds: number | null;
  closeReason: string | null;
  entryPrice: number | null;
  exitPrice: number | null;
  entryAmount: number;
  entryValue: number;
  exitAmount: number;
  exitValue: number;
  realizedPnl: number;
  fees: number;
  safetyOrdersFilled: number;
  timeline: TimelineEvent[];
}

export interface TimelineEvent {
  at: string;
  type: string;
  reason: string | null;
  data: Record<string, unknown>;
}

/** One fill on the paper exchange, at the market time it happened. */
export interface TradeRecord {
  time: string;
  dealId: string | null;
  leg: string;
  legIndex: number;
  side: string;
  type: string;
  liquidity: string;
  amount: number;
  price: number;
  value: number;
  fee: number;
}

const num = (value: string | null) => (value === null ? null : Number(value));
const iso = (value: Date | null) => value?.toISOString() ?? null;

/** The bot's deals, oldest first, each with its timeline (the deal's events, as `GET /deals/:id` shows them). */
export async function loadDeals(app: ProviderSource, botId: string): Promise<DealRecord[]> {
  const db = app.get(DataSource);
  const rows = await db.query(
    `SELECT id, status, direction, opened_at, closed_at, close_reason, average_entry, entry_amount, entry_value,
            exit_amount, exit_value, exit_value / NULLIF(exit_amount, 0) AS exit_price, realized_pnl, fees, safety_orders_filled
     FROM deals WHERE bot_id = $1 ORDER BY opened_at, id`,
    [botId],
  );
  const events: (TimelineEvent & { deal_id: string; at: Date })[] = await db.query(
    `SELECT e.deal_id, e.at, e.type, e.reason, e.data FROM deal_events e JOIN deals d ON d.id = e.deal_id
     WHERE d.bot_id = $1 ORDER BY e.at, e.id`,
    [botId],
  );
  return rows.map((row: Record<string, any>) => ({
    id: row.id,
    status: row.status,
    direction: row.direction,
    openedAt: iso(row.opened_at)!,
    closedAt: iso(row.closed_at),
    durationSeconds: row.closed_at ? Math.round((row.closed_at.getTime() - row.opened_at.getTime()) / 1000) : null,
    closeReason: row.close_reason,
    entryPrice: num(row.average_entry),
    exitPrice: num(row.exit_price),
    entryAmount: Number(row.entry_amount),
    entryValue: Number(row.entry_value),
    exitAmount: Number(row.exit_amount),
    exitValue: Number(row.exit_value),
    realizedPnl: Number(row.realized_pnl),
    fees: Number(row.fees),
    safetyOrdersFilled: row.safety_orders_filled,
    timeline: events.filter((e) => e.deal_id === row.id).map((e) => ({ at: e.at.toISOString(), type: e.type, reason: e.reason, data: e.data })),
  }));
}

/**
 * Every fill of the bot's orders, oldest first. The time comes from the paper exchange's own record of the fill
 * (market time: the decision for an order filled on arrival, the candle's close for a resting one); the app's fills
 * table records when it learned of a fill, which in a replay is wall-clock time.
 */
export async function loadTrades(app: ProviderSource, botId: string): Promise<TradeRecord[]> {
  const rows = await app.get(DataSource).query(
    `SELECT o.deal_id, o.leg, o.leg_index, o.side, o.type, f.filled_at, f.liquidity, f.amount, f.price, f.fee, f.amount * f.price AS value
     FROM paper_fills f
     JOIN paper_orders p ON p.id = f.order_id
     JOIN orders o ON o.exchange_account_id = p.exchange_account_id AND o.client_order_id = p.client_order_id
     WHERE o.bot_id = $1 ORDER BY f.filled_at, f.id`,
    [botId],
  );
  return rows.map((row: Record<string, any>) => ({
    time: row.filled_at.toISOString(),
    dealId: row.deal_id,
    leg: row.leg,
    legIndex: row.leg_index,
    side: row.side,
    type: row.type,
    liquidity: row.liquidity,
    amount: Number(row.amount),
    price: Number(row.price),
    value: Number(row.value),
    fee: Number(row.fee),
  }));
}
