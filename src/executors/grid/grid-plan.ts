import { floorToStep, roundToStep, type MarketRules } from '../../exchange/index.js';

/**
 * The pure arithmetic of a grid: where its lines are, how much each line trades, what one round trip earns.
 *
 * Vocabulary: `gridLines` prices from `lowerPrice` to `upperPrice` (both included). The interval between line j and
 * line j + 1 is slot j; a slot always holds one order: a buy at line j (waiting for the price to fall) or, once that
 * filled, a sell at line j + 1 (the mirror, one line up). A sell filling at line k hands slot k − 1 back to a buy at
 * line k − 1. At the start the line nearest the price stays empty: lines below it hold buys, lines above it sells.
 *
 * Every line trades the same base amount (`amountPerLine`). Given an `investment` instead, the amount is the one
 * that makes the grid cost exactly `investment` when every slot holds its buy (the price at or above the top):
 * amountPerLine = investment / (sum of the prices of lines 0 .. n − 2), rounded down to the market's lot step.
 */
export interface GridRange {
  lowerPrice: number;
  upperPrice: number;
  gridLines: number;
  spacing?: 'arithmetic' | 'geometric';
}

export interface GridSizing extends GridRange {
  investment?: number;
  amountPerLine?: number;
}

export type GridProblemKind = 'below_min_amount' | 'below_min_cost' | 'above_max_amount' | 'lines_collide' | 'no_profit';

export interface GridProblem {
  /** The line the problem is on. */
  line: number;
  problem: GridProblemKind;
  message: string;
}

export interface ProfitPerGrid {
  /** Quote earned by one round trip of one slot after the maker fee of both legs; min and max over the slots. */
  minQuote: number;
  maxQuote: number;
  /** The same as a % of the buy's cost. */
  minPercent: number;
  maxPercent: number;
}

export interface GridPlan {
  prices: number[];
  amountPerLine: number;
  /** Quote the grid needs with every slot holding its buy. */
  investment: number;
  profitPerGrid: ProfitPerGrid;
  problems: GridProblem[];
}

/** Binance's standard maker fee, also the paper exchange's default (PAPER_MAKER_FEE_RATE). */
export const DEFAULT_MAKER_FEE = 0.001;

/** Line prices, rounded to the market's tick when its rules are given. */
export function linePrices(range: GridRange, rules?: Pick<MarketRules, 'priceStep'>): number[] {
  const { lowerPrice: low, upperPrice: high, gridLines: n } = range;
  return Array.from({ length: n }, (_, i) => {
    const raw = i === n - 1 ? high : range.spacing === 'geometric' ? low * (high / low) ** (i / (n - 1)) : low + ((high - low) * i) / (n - 1);
    return rules ? roundToStep(raw, rules.priceStep) : clean(raw);
  });
}

export function gridLines(settings: GridSizing, rules?: MarketRules, makerFee = DEFAULT_MAKER_FEE): GridPlan {
  const prices = linePrices(settings, rules);
  const buyLines = prices.slice(0, -1);
  const raw = settings.amountPerLine ?? (settings.investment ?? 0) / buyLines.reduce((sum, price) => sum + price, 0);
  const amountPerLine = rules ? floorToStep(raw, rules.amountStep) : clean(raw);
  const investment = clean(amountPerLine * buyLines.reduce((sum, price) => sum + price, 0));
  const profits = buyLines.map((buy, j) => slotProfit(buy, prices[j + 1], amountPerLine, makerFee));
  const problems: GridProblem[] = [];
  prices.forEach((price, i) => {
    if (i > 0 && price <= prices[i - 1]) {
      problems.push({ line: i, problem: 'lines_collide', message: `line ${i} at ${price} is not above line ${i - 1} at ${prices[i - 1]}: too many lines for the range at the tick` });
    }
    if (rules) checkMinimums(rules, i, price, amountPerLine, problems);
  });
  profits.forEach((profit, j) => {
    if (profit.quote <= 0) problems.push({ line: j, problem: 'no_profit', message: `a round trip from line ${j} to line ${j + 1} earns ${profit.quote} after fees: widen the spacing` });
  });
  return { prices, amountPerLine, investment, profitPerGrid: summarize(profits), problems };
}

/** Quote earned buying `amount` at `buy` and selling it at `sell`, both as maker. */
export function slotProfit(buy: number, sell: number, amount: number, makerFee = DEFAULT_MAKER_FEE): { quote: number; percent: number } {
  const quote = clean((sell - buy) * amount - makerFee * amount * (buy + sell));
  return { quote, percent: buy * amount > 0 ? clean((quote / (buy * amount)) * 100) : 0 };
}

/** The line nearest `price` (the one left empty at the start). */
export function nearestLine(prices: number[], price: number): number {
  let best = 0;
  prices.forEach((line, i) => {
    if (Math.abs(line - price) < Math.abs(prices[best] - price)) best = i;
  });
  return best;
}

/** What each slot holds when the grid starts at `price`: buys below the empty line, sells above it. */
export function startLayout(prices: number[], price: number): ('buy' | 'sell')[] {
  const empty = nearestLine(prices, price);
  return prices.slice(0, -1).map((_, j) => (j < empty ? 'buy' : 'sell'));
}

/** The same range moved so that `price` sits in its middle (trailing): same width, or same ratio when geometric. */
export function recentre(range: GridRange, price: number, rules?: Pick<MarketRules, 'priceStep'>): { lowerPrice: number; upperPrice: number } {
  const round = (value: number) => (rules ? roundToStep(value, rules.priceStep) : clean(value));
  if (range.spacing === 'geometric') {
    const half = Math.sqrt(range.upperPrice / range.lowerPrice);
    return { lowerPrice: round(price / half), upperPrice: round(price * half) };
  }
  const half = (range.upperPrice - range.lowerPrice) / 2;
  return { lowerPrice: round(price - half), upperPrice: round(price + half) };
}

function checkMinimums(rules: MarketRules, line: number, price: number, amount: number, problems: GridProblem[]): void {
  const report = (problem: GridProblemKind, message: string) => problems.push({ line, problem, message: `line ${line} at ${price}: ${message}` });
  if (!(amount > 0) || (rules.minAmount !== null && amount < rules.minAmount)) {
    report('below_min_amount', `amount ${amount} ${rules.base} is below the minimum of ${rules.minAmount ?? rules.amountStep} ${rules.base}`);
  }
  const cost = clean(amount * price);
  if (rules.minCost !== null && cost < rules.minCost) report('below_min_cost', `cost ${cost} ${rules.quote} is below the minimum of ${rules.minCost} ${rules.quote}`);
  if (rules.maxAmount !== null && amount > rules.maxAmount) report('above_max_amount', `amount ${amount} ${rules.base} is above the maximum of ${rules.maxAmount} ${rules.base}`);
}

function summarize(profits: { quote: number; percent: number }[]): ProfitPerGrid {
  const quotes = profits.map((p) => p.quote);
  const percents = profits.map((p) => p.percent);
  return { minQuote: Math.min(...quotes), maxQuote: Math.max(...quotes), minPercent: Math.min(...percents), maxPercent: Math.max(...percents) };
}

/** Drops binary float noise from a derived figure; 12 significant digits are kept. */
function clean(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(12)) : value;
}
