import type { OrderEntity } from '../../trading/index.js';
import type { GridLineRow, GridRow } from './grid.store.js';

export interface GridOrderView {
  id: string;
  side: 'buy' | 'sell';
  price: number | null;
  amount: number | null;
  filled: number;
  status: string;
}

/**
 * A line as a trader reads it: `buy` (a buy rests here), `sell` (a sell rests here, the base of the slot below it),
 * `empty`, or `buy_and_sell` (both at once, briefly, when fills of neighbouring slots crossed).
 */
export interface GridLineView {
  index: number;
  price: number;
  state: 'buy' | 'sell' | 'empty' | 'buy_and_sell';
  orders: GridOrderView[];
}

export interface RoundTripView {
  lineIndex: number;
  sellLineIndex: number;
  generation: number;
  amount: number;
  buyPrice: number;
  sellPrice: number;
  fees: number;
  profit: number;
  buyOrderId: string | null;
  sellOrderId: string;
  completedAt: string;
}

export interface GridView {
  botId: string;
  deal: {
    id: string; status: string; phase: string; openedAt: string; closedAt: string | null; closeReason: string | null;
    amount: number; averageEntry: number | null; fees: number;
  } | null;
  grid: Pick<GridRow, 'phase' | 'generation' | 'lowerPrice' | 'upperPrice' | 'lineCount' | 'spacing' | 'amountPerLine' | 'outOfRange'> | null;
  lines: GridLineView[];
  roundTrips: RoundTripView[];
  /** Sum of the round trips' profits, after fees. */
  realizedProfit: number;
}

const orderView = (order: OrderEntity): GridOrderView => ({
  id: order.id, side: order.side, price: order.price, amount: order.amount, filled: order.filled, status: order.status,
});

/** Each line with the orders of the slots that touch it: the slot above it (a buy here) and the one below (a sell here). */
export function lineViews(lines: GridLineRow[], orders: Map<string, OrderEntity>): GridLineView[] {
  return lines.map((line, i) => {
    const below = i > 0 ? lines[i - 1] : undefined;
    const buy = line.state === 'buy' ? orders.get(line.orderId ?? '') : undefined;
    const sell = below?.state === 'sell' ? orders.get(below.orderId ?? '') : undefined;
    const state = line.state === 'buy' && below?.state === 'sell' ? 'buy_and_sell' : line.state === 'buy' ? 'buy' : below?.state === 'sell' ? 'sell' : 'empty';
    return { index: line.index, price: line.price, state, orders: [buy, sell].filter((o): o is OrderEntity => o !== undefined).map(orderView) };
  });
}
