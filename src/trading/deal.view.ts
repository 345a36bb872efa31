import type { DealEntity } from './deal.entity.js';
import type { OrderEntity } from './order.entity.js';
import { toOrderView } from './order.view.js';

/** What a deal's view needs beyond its row: the price it is marked at and its take-profit order, if any. */
export interface DealMarks {
  /** The last price of the symbol (market data at `now`, else the deal's last checked close); null when unknown. */
  lastPrice: number | null;
  /** Price of the deal's latest take-profit order that was not canceled or refused. */
  takeProfitOrderPrice: number | null;
  now: number;
}

/**
 * An open deal's PnL if closed at `lastPrice`, fees of the open part included:
 * direction × (lastPrice − average entry) × open amount − entry fees × open amount / entry amount.
 * 0 before anything filled; null for a deal that is not open or when no price is known.
 */
export function unrealizedPnl(deal: DealEntity, lastPrice: number | null): number | null {
  if (deal.status !== 'open') return null;
  if (!(deal.amount > 0) || deal.averageEntry === null) return 0;
  if (lastPrice === null) return null;
  const sign = deal.direction === 'long' ? 1 : -1;
  const openFees = deal.entryAmount > 0 ? (deal.entryFees * deal.amount) / deal.entryAmount : 0;
  return clean(sign * (lastPrice - deal.averageEntry) * deal.amount - openFees);
}

export function toDealView(deal: DealEntity, marks: DealMarks) {
  const open = deal.status === 'open';
  const end = deal.closedAt?.getTime() ?? marks.now;
  return {
    id: deal.id,
    botId: deal.botId,
    exchangeAccountId: deal.exchangeAccountId,
    symbol: deal.symbol,
    status: deal.status,
    phase: deal.phase,
    direction: deal.direction,
    openedAt: deal.openedAt.toISOString(),
    closedAt: deal.closedAt?.toISOString() ?? null,
    /** Seconds from open to close, or to now for an open deal. */
    durationSeconds: Math.max(0, Math.round((end - deal.openedAt.getTime()) / 1000)),
    averageEntry: deal.averageEntry,
    /** Open position in base currency. */
    amount: deal.amount,
    /** Quote spent on entry fills (received, for a short). */
    invested: deal.entryValue,
    realizedPnl: deal.realizedPnl,
    unrealizedPnl: unrealizedPnl(deal, marks.lastPrice),
    lastPrice: open ? marks.lastPrice : null,
    fees: deal.fees,
    closeReason: deal.closeReason,
    lastError: deal.lastError,
    safetyOrdersFilled: deal.safetyOrdersFilled,
    takeProfitPrice: deal.takeProfitPrice ?? marks.takeProfitOrderPrice,
    stopLossPrice: deal.stopLossPrice ?? stopLossOf(deal),
  };
}

export type DealView = ReturnType<typeof toDealView>;

export interface DealEventRow {
  at: Date;
  type: string;
  reason: string | null;
  data: Record<string, unknown>;
}

export interface FillRow {
  id: string;
  order_id: string;
  leg: string;
  amount: string;
  price: string;
  fee: string;
  fee_currency: string | null;
  recorded_at: Date;
}

export function toDealDetailView(view: DealView, events: DealEventRow[], orders: OrderEntity[], fills: FillRow[]) {
  return {
    ...view,
    timeline: events.map((event) => ({ at: event.at.toISOString(), type: event.type, reason: event.reason, data: event.data })),
    orders: orders.map((order) => ({ ...toOrderView(order), leg: order.leg, legIndex: order.legIndex })),
    fills: fills.map((fill) => ({
      id: fill.id,
      orderId: fill.order_id,
      leg: fill.leg,
      amount: Number(fill.amount),
      price: Number(fill.price),
      fee: Number(fill.fee),
      feeCurrency: fill.fee_currency,
      recordedAt: fill.recorded_at.toISOString(),
    })),
  };
}

export type DealDetailView = ReturnType<typeof toDealDetailView>;

/** The stop the deal's settings (`stopLoss` %, optionally trailing its best price) put under an open position. */
function stopLossOf(deal: DealEntity): number | null {
  const stopLoss = deal.settings?.stopLoss;
  if (deal.status !== 'open' || typeof stopLoss !== 'number' || deal.averageEntry === null) return null;
  const anchor = deal.settings.trailingStopLoss === true && deal.trailingPeak !== null ? deal.trailingPeak : deal.averageEntry;
  return clean(anchor * (deal.direction === 'long' ? 1 - stopLoss / 100 : 1 + stopLoss / 100));
}

/** Drops binary float noise from a derived figure; 12 significant digits are kept. */
export function clean(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(12)) : value;
}
