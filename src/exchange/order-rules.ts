import { OrderRejected, type MarketRules, type OrderRequest } from './exchange.port.js';

export type StepRounding = 'down' | 'nearest' | 'up';

/** Decimal places of a step such as 0.01 (2), 1e-8 (8), 2.5e-7 (8) or 5 (0). */
export function stepDecimals(step: number): number {
  const [mantissa, exponent] = step.toExponential().split('e');
  const mantissaDecimals = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, mantissaDecimals - Number(exponent));
}

/**
 * `value` on the grid of `step`, free of float noise: counts whole steps, then prints with the step's decimals,
 * so 0.1 + 0.2 at step 0.1 is 0.3, not 0.30000000000000004.
 */
export function roundToStep(value: number, step: number, mode: StepRounding = 'nearest'): number {
  if (!(step > 0)) throw new RangeError(`step must be positive, got ${step}`);
  const steps = value / step;
  // Decimals are inexact in binary (0.3 / 0.1 = 2.9999999999999996): a value within a few ulps of a grid point is on it.
  const hair = 1e-9 + Math.abs(steps) * 1e-15;
  const count = mode === 'down' ? Math.floor(steps + hair) : mode === 'up' ? Math.ceil(steps - hair) : Math.round(steps);
  return Number((count * step).toFixed(stepDecimals(step))) + 0; // + 0 turns -0 into 0
}

export function floorToStep(value: number, step: number): number {
  return roundToStep(value, step, 'down');
}

/**
 * Makes an order fit the market before it is sent: amounts are rounded down (never spend more than decided),
 * prices to the nearest tick, and anything the exchange would refuse for its size is refused here, naming the
 * value, the limit and the symbol. A limit order sized in quote currency gets its amount from its price.
 * `referencePrice` (the decision's price) sizes the cost check of a market order given in base currency.
 */
export function prepareOrder(request: OrderRequest, rules: MarketRules, referencePrice?: number): OrderRequest {
  const { base, quote } = rules;
  const price = request.price === undefined ? undefined : roundToStep(request.price, rules.priceStep);
  if (price !== undefined && price <= 0) {
    throw new OrderRejected('invalid_order', `price ${request.price} ${quote} rounds to ${price} at the tick ${rules.priceStep} for ${rules.symbol}`);
  }
  if (request.type === 'limit' && price === undefined) {
    throw new OrderRejected('invalid_order', `a limit order on ${rules.symbol} needs a price`);
  }

  if (request.amount === undefined && request.type === 'market') {
    if (request.quoteAmount === undefined) throw unsized(rules.symbol);
    // Same truncation ccxt applies to Binance's quoteOrderQty: the price precision of the market.
    const quoteAmount = floorToStep(request.quoteAmount, rules.priceStep);
    checkCost(quoteAmount, `${fmt(quoteAmount)} ${quote}`, rules, quote);
    return { ...request, price, quoteAmount };
  }

  const wanted = request.amount ?? sizeFromQuote(request, price!, rules.symbol);
  const amount = floorToStep(wanted, rules.amountStep);
  if (amount <= 0) {
    throw new OrderRejected('below_minimum', `amount ${fmt(wanted)} ${base} rounds to 0 at the step ${fmt(rules.amountStep)} for ${rules.symbol}`);
  }
  if (rules.minAmount !== null && amount < rules.minAmount) {
    throw new OrderRejected('below_minimum', `amount ${fmt(amount)} ${base} is below the minimum ${fmt(rules.minAmount)} ${base} for ${rules.symbol}`);
  }
  if (rules.maxAmount !== null && amount > rules.maxAmount) {
    throw new OrderRejected('invalid_order', `amount ${fmt(amount)} ${base} is above the maximum ${fmt(rules.maxAmount)} ${base} for ${rules.symbol}`);
  }
  const costPrice = price ?? referencePrice;
  // Without any price the cost is unknown here: the exchange checks it.
  if (costPrice !== undefined) {
    checkCost(amount * costPrice, `${fmt(amount * costPrice)} ${quote} (${fmt(amount)} ${base} × ${fmt(costPrice)})`, rules, quote);
  }
  // The amount sizes the order from here on: a quote amount left beside it would be a second, conflicting size.
  return { ...request, amount, price, quoteAmount: undefined };
}

function sizeFromQuote(request: OrderRequest, price: number, symbol: string): number {
  if (request.quoteAmount === undefined) throw unsized(symbol);
  return request.quoteAmount / price;
}

function checkCost(cost: number, described: string, rules: MarketRules, quote: string): void {
  if (cost <= 0) throw new OrderRejected('below_minimum', `order cost ${described} is zero for ${rules.symbol}`);
  if (rules.minCost !== null && cost < rules.minCost) {
    throw new OrderRejected('below_minimum', `order cost ${described} is below the minimum ${fmt(rules.minCost)} ${quote} for ${rules.symbol}`);
  }
}

function unsized(symbol: string): OrderRejected {
  return new OrderRejected('invalid_order', `an order on ${symbol} needs an amount or a quote amount`);
}

/** A number for a message: twelve significant digits, so 3.2000000000000006 reads 3.2. */
function fmt(value: number): string {
  return String(Number(value.toPrecision(12)));
}
