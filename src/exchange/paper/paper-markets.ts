import { OrderRejected, type MarketRules } from '../exchange.port.js';

/** [amountStep, priceStep, minAmount, minCost, maxAmount] of one spot market. */
type RuleRow = readonly [number, number, number, number, number];

/**
 * Spot markets with the steps and minimums a real venue enforces, so that an order a bot gets past the paper
 * exchange would also get past the live one. The app must not read files outside the project at run time, so the
 * numbers are copied here:
 * - BTC, ETH, ADA, LTC, XRP, DOGE, TRX against USDT: Binance's LOT_SIZE, PRICE_FILTER and NOTIONAL filters as
 *   recorded in ccxt's static market fixture for Binance (ccxt/ccxt `ts/src/test/static/markets/binance.json`);
 * - BNB/USDT, SOL/USDT, ETH/BTC, BTC/USDC: Binance's published exchangeInfo filters (copied by hand: re-check
 *   against the live exchangeInfo before relying on an exact value);
 * - BTC/USD, ETH/USD: Kraken's XBT/USD and ETH/USD pair rules (lot decimals, tick, ordermin, costmin), the market
 *   of the Kraken candle files.
 */
const MARKETS: Record<string, RuleRow> = {
  'BTC/USDT': [0.00001, 0.01, 0.00001, 5, 9000],
  'ETH/USDT': [0.0001, 0.01, 0.0001, 5, 9000],
  'ADA/USDT': [0.1, 0.0001, 0.1, 5, 900000],
  'LTC/USDT': [0.001, 0.01, 0.001, 5, 90000],
  'XRP/USDT': [1, 0.0001, 1, 5, 9222449],
  'DOGE/USDT': [1, 0.00001, 1, 5, 9000000],
  'TRX/USDT': [0.1, 0.00001, 0.1, 5, 9000000],
  'BNB/USDT': [0.001, 0.01, 0.001, 5, 9000],
  'SOL/USDT': [0.001, 0.01, 0.001, 5, 9000],
  'ETH/BTC': [0.0001, 0.00001, 0.0001, 0.0001, 100000],
  'BTC/USDC': [0.00001, 0.01, 0.00001, 5, 9000],
  'BTC/USD': [0.00000001, 0.1, 0.0001, 0.5, 100000],
  'ETH/USD': [0.00000001, 0.01, 0.002, 0.5, 100000],
};

/** Any other BASE/QUOTE pair: fine steps and a small notional floor, so unknown markets are tradable but not free of rules. */
const DEFAULT_ROW: RuleRow = [1e-8, 1e-8, 1e-8, 1, 1e12];

/** The paper venue's rules for `symbol`; a symbol that is not BASE/QUOTE is refused like an unknown market. */
export function paperMarketRules(symbol: string): MarketRules {
  const match = /^([A-Z0-9]+)\/([A-Z0-9]+)$/.exec(symbol);
  if (!match) throw new OrderRejected('unknown_market', `the paper exchange trades BASE/QUOTE spot symbols, not "${symbol}"`);
  const [amountStep, priceStep, minAmount, minCost, maxAmount] = MARKETS[symbol] ?? DEFAULT_ROW;
  return { symbol, base: match[1], quote: match[2], amountStep, priceStep, minAmount, minCost, maxAmount };
}

// Steps are decimal (0.00001, 0.01, 1): counting in whole steps keeps float error out of amounts and prices.
const EPSILON = 1e-9;

/** By step: a market has two, and the text work below ran for every amount and price the paper exchange rounded. */
const decimalsOfStep = new Map<number, number>();

export function stepDecimals(step: number): number {
  let decimals = decimalsOfStep.get(step);
  if (decimals === undefined) {
    decimals = countStepDecimals(step);
    decimalsOfStep.set(step, decimals);
  }
  return decimals;
}

function countStepDecimals(step: number): number {
  const text = step.toExponential();
  const [mantissa, exponent] = text.split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent));
}

/** Whole steps in `value`, rounded down (a value a hair under a step boundary counts as on it). */
export function floorUnits(value: number, step: number): number {
  return Math.floor(value / step + EPSILON);
}

export function fromUnits(units: number, step: number): number {
  return Number((units * step).toFixed(stepDecimals(step)));
}

export function isOnStep(value: number, step: number): boolean {
  return Math.abs(value / step - Math.round(value / step)) < EPSILON * Math.max(1, Math.abs(value / step));
}

/** Rounds a price to the tick in the direction that is worse for the trader (a venue never rounds in your favour). */
export function priceToTick(price: number, step: number, side: 'buy' | 'sell'): number {
  const units = side === 'buy' ? Math.ceil(price / step - EPSILON) : Math.floor(price / step + EPSILON);
  return fromUnits(units, step);
}
