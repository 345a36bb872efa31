import { floorToStep, roundToStep } from '../../exchange/index.js';
import type { OrderEntity } from '../../trading/index.js';
import { linePrices, startLayout } from './grid-plan.js';
import { GRID_BUY, GRID_SELL, isDust, MARKET_INDEX, type GridTurn } from './grid-turn.js';
import type { GridLineRow, GridStore } from './grid.store.js';

/**
 * Lays the grid out around `price` (at its start, and again after a trailing shift): the lines of its current range,
 * which slot holds a buy and which a sell, and one market order that brings the base the deal holds to what the
 * sells need (a buy at the start; a buy or a sell after a shift). The limit orders are placed once that order is done
 * (`starting` → `running`).
 *
 * What each sell slot's base cost: the rebalancing buy when it bought all the base held, else (base carried over a
 * shift) the deal's average entry, which its round trips then count from.
 */
export async function layOut(turn: GridTurn, store: GridStore, price: number): Promise<void> {
  const { grid, deal, rules } = turn;
  const prices = linePrices({ lowerPrice: grid.lowerPrice, upperPrice: grid.upperPrice, gridLines: grid.lineCount, spacing: grid.spacing }, rules);
  const sides = startLayout(prices, price);
  const held = Math.max(deal.amount, 0);
  const needed = sides.filter((side) => side === 'sell').length * grid.amountPerLine - held;
  let rebalance: OrderEntity | undefined;
  if (needed > 0 && !isDust(needed, price, rules)) {
    rebalance = await turn.placeOrder(GRID_BUY, MARKET_INDEX, 'buy', roundToStep(needed, rules.amountStep, 'up'));
  } else if (needed < 0 && !isDust(-needed, price, rules)) {
    rebalance = await turn.placeOrder(GRID_SELL, MARKET_INDEX, 'sell', floorToStep(-needed, rules.amountStep));
  }
  const boughtAll = rebalance?.side === 'buy' && held === 0;
  const carriedAt = deal.averageEntry ?? price;
  const lines: GridLineRow[] = prices.map((linePrice, index) => {
    const state = index < sides.length ? sides[index] : null;
    const sell = state === 'sell';
    return {
      index, price: linePrice, state, orderId: null,
      buyOrderId: sell && boughtAll ? rebalance!.id : null,
      costPrice: sell && !boughtAll ? carriedAt : null,
    };
  });
  await store.replaceLines(turn.manager, deal.id, lines);
  const generation = grid.phase === 'shifting' ? grid.generation + 1 : grid.generation;
  const patch = { phase: 'starting' as const, generation, rebalanceOrderId: rebalance?.id ?? null, shiftPrice: null, outOfRange: null };
  await store.update(turn.manager, deal.id, patch);
  Object.assign(grid, patch);
  turn.lines = lines;
}
