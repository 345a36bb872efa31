import { roundToStep, type MarketRules } from '../../exchange/index.js';
import type { DealEntity, OrderEntity } from '../../trading/index.js';
import type { PlannedOrder } from '../dca/dca-plan.js';

const TERMINAL = new Set(['filled', 'canceled', 'rejected']);
export const isTerminal = (order: OrderEntity) => TERMINAL.has(order.status);
export const live = (order: OrderEntity) => !isTerminal(order) && order.cancelRequestedAt === null;
export const cancelling = (order: OrderEntity) => !isTerminal(order) && order.cancelRequestedAt !== null;

export const entrySide = (deal: DealEntity) => (deal.direction === 'long' ? 'buy' : 'sell');
export const exitSide = (deal: DealEntity) => (deal.direction === 'long' ? 'sell' : 'buy');

/** Less than the exchange would accept: nothing left to sell. */
export function isDust(amount: number, rules: MarketRules): boolean {
  return amount <= 0 || roundToStep(amount, rules.amountStep, 'down') <= 0 || (rules.minAmount !== null && amount < rules.minAmount);
}

/** Whether the resting take-profit orders already are the wanted ones, after rounding to the market's steps. */
export function sameOrders(resting: OrderEntity[], wanted: PlannedOrder[], rules: MarketRules): boolean {
  if (resting.length !== wanted.length) return false;
  return wanted.every((target) => {
    const order = resting.find((o) => o.legIndex === target.index);
    return order !== undefined
      && roundToStep(order.price ?? 0, rules.priceStep) === roundToStep(target.price, rules.priceStep)
      && roundToStep((order.amount ?? 0) - order.filled, rules.amountStep, 'down') === roundToStep(target.amount, rules.amountStep, 'down');
  });
}
