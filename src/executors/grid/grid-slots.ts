import type { OrderEntity } from '../../trading/index.js';
import { GRID_BUY, GRID_SELL, isTerminal, type GridTurn } from './grid-turn.js';
import type { GridLineRow, GridStore } from './grid.store.js';

/** What a running slot needs, from its current order alone. */
export type SlotAction = 'place' | 'wait' | 'mirror' | 'replace' | 'blocked';

/**
 * - no order yet: place it;
 * - unfinished: wait;
 * - filled (or canceled after a partial fill): place the mirror for what was filled;
 * - canceled with nothing filled (by hand on the exchange, or gone missing there): place it again;
 * - rejected: the slot stays blocked on it (the deal's last error says why): sending it again would be refused again.
 */
export function slotAction(order: OrderEntity | undefined): SlotAction {
  if (!order) return 'place';
  if (!isTerminal(order)) return 'wait';
  if (order.filled > 0) return 'mirror';
  return order.status === 'canceled' ? 'replace' : 'blocked';
}

/**
 * Brings every slot of a running grid up to date, level-triggered: a buy filled at line k puts a sell of the bought
 * amount at line k + 1; a sell filled at line k records the round trip and puts a buy back at line k − 1 (the same
 * slot). Safe to run after any order change, on every tick, after a restart: a slot acts only on its own order.
 */
export async function reconcileSlots(turn: GridTurn, store: GridStore): Promise<void> {
  for (const line of turn.lines) {
    if (line.state === null) continue;
    const order = turn.order(line.orderId);
    const action = slotAction(order);
    if (action === 'wait' || action === 'blocked') continue;
    if (action === 'mirror') await mirror(turn, store, line, order!);
    else await placeSlotOrder(turn, line, action === 'replace' ? order!.amount ?? turn.grid.amountPerLine : turn.grid.amountPerLine);
    await store.updateLine(turn.manager, turn.deal.id, line);
  }
}

async function mirror(turn: GridTurn, store: GridStore, line: GridLineRow, order: OrderEntity): Promise<void> {
  if (line.state === 'buy') {
    line.state = 'sell';
    line.buyOrderId = order.id;
    line.costPrice = null;
    await placeSlotOrder(turn, line, order.filled);
    return;
  }
  await store.recordRoundTrip(turn.manager, { dealId: turn.deal.id, generation: turn.grid.generation, line, sellOrderId: order.id, at: turn.now });
  // A sell canceled after a partial fill leaves its unsold rest in the deal's position, outside the grid.
  line.state = 'buy';
  line.buyOrderId = null;
  line.costPrice = null;
  await placeSlotOrder(turn, line, turn.grid.amountPerLine);
}

/** The slot's order: a buy at its own line, or a sell at the next line up. */
async function placeSlotOrder(turn: GridTurn, line: GridLineRow, amount: number): Promise<void> {
  const buy = line.state === 'buy';
  const at = buy ? line : turn.lines[line.index + 1];
  const order = await turn.placeOrder(buy ? GRID_BUY : GRID_SELL, at.index, buy ? 'buy' : 'sell', amount, at.price);
  line.orderId = order.id;
}
