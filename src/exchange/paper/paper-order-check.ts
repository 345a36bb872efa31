import { OrderRejected, type MarketRules, type OrderRequest } from '../exchange.port.js';
import { floorUnits, fromUnits, isOnStep, stepDecimals } from './paper-markets.js';

/**
 * The checks a real venue makes before it accepts an order (Binance's LOT_SIZE, PRICE_FILTER, NOTIONAL filters).
 * The paper exchange refuses what the live one would refuse instead of quietly rounding: a bot that sends
 * unrounded or too-small orders must find out on paper, not with real money.
 */

/** A limit order's amount and price, both required and on the market's steps. */
export function checkLimitOrder(request: OrderRequest, rules: MarketRules): { amount: number; price: number } {
  const { amount, price } = request;
  if (amount === undefined || price === undefined) {
    throw new OrderRejected('invalid_order', `a limit order needs an amount and a price (${request.clientOrderId})`);
  }
  if (request.quoteAmount !== undefined) throw new OrderRejected('invalid_order', 'a limit order is sized by amount, not quoteAmount');
  assertPositive(price, 'price');
  if (!isOnStep(price, rules.priceStep)) {
    throw new OrderRejected('invalid_order', `price ${price} is not a multiple of the tick ${rules.priceStep} of ${rules.symbol}`);
  }
  checkAmount(amount, price, rules);
  return { amount, price };
}

/**
 * A market order's amount at `fillPrice`. A buy may be sized by `quoteAmount` (what it spends before the fee, like
 * Binance's quoteOrderQty): the amount is that divided by the fill price, rounded down to the lot step.
 */
export function marketOrderAmount(request: OrderRequest, rules: MarketRules, fillPrice: number): number {
  const { amount, quoteAmount } = request;
  if ((amount === undefined) === (quoteAmount === undefined)) {
    throw new OrderRejected('invalid_order', 'a market order needs exactly one of amount and quoteAmount');
  }
  if (quoteAmount !== undefined) {
    if (request.side !== 'buy') throw new OrderRejected('invalid_order', 'quoteAmount sizes market buys only');
    assertPositive(quoteAmount, 'quoteAmount');
    const sized = fromUnits(floorUnits(quoteAmount / fillPrice, rules.amountStep), rules.amountStep);
    checkAmount(sized, fillPrice, rules);
    return sized;
  }
  checkAmount(amount!, fillPrice, rules);
  return amount!;
}

function checkAmount(amount: number, price: number, rules: MarketRules): void {
  if (!Number.isFinite(amount) || amount < 0) throw new OrderRejected('invalid_order', `amount must be a positive number, got ${amount}`);
  if (!isOnStep(amount, rules.amountStep)) {
    throw new OrderRejected('invalid_order', `amount ${amount} is not a multiple of the lot step ${rules.amountStep} of ${rules.symbol}`);
  }
  if (amount === 0 || (rules.minAmount !== null && amount < rules.minAmount)) {
    throw new OrderRejected('below_minimum', `amount ${amount} is below the minimum ${rules.minAmount} ${rules.base} of ${rules.symbol}`);
  }
  if (rules.maxAmount !== null && amount > rules.maxAmount) {
    throw new OrderRejected('invalid_order', `amount ${amount} is above the maximum ${rules.maxAmount} ${rules.base} of ${rules.symbol}`);
  }
  const cost = amount * price;
  if (rules.minCost !== null && cost < rules.minCost) {
    const shown = cost.toFixed(stepDecimals(rules.priceStep));
    throw new OrderRejected('below_minimum', `order value ${shown} ${rules.quote} is below the minimum ${rules.minCost} of ${rules.symbol}`);
  }
}

function assertPositive(value: number, name: string): void {
  if (!Number.isFinite(value) || value <= 0) throw new OrderRejected('invalid_order', `${name} must be a positive number, got ${value}`);
}
