import type { MarketRules } from '../../exchange/index.js';

/**
 * The safety-order ladder of a DCA deal, as `POST /bots/preview` shows it. Pure: no clock, no I/O.
 *
 * Percent settings are in percent (1 = 1 %). Sizes are in quote currency, amounts in base currency.
 * - Safety order n (1-based) sits at cumulative deviation Dₙ = d·(sⁿ−1)/(s−1) (d·n when s = 1) from the base
 *   price: below it for a long (price·(1−Dₙ)), above it for a short (price·(1+Dₙ)); its size is V₁·vⁿ⁻¹.
 * - Average entry = Σ quote / Σ base, for both directions (a short sells `size/price` base per level).
 * - Take profit `average`: avg·(1+tp) for a long, avg·(1−tp) for a short.
 *   Take profit `base` (3Commas "% of base order"): the deal closes when its profit equals tp × base order size
 *   (quote), i.e. long P = (Σsize + tp·baseSize)/Σamount, short P = (Σsize − tp·baseSize)/Σamount.
 * - With market rules: order prices are rounded to the nearest priceStep, amounts down to amountStep, and each
 *   size is recomputed as amount × price from the rounded values; take-profit prices are rounded away from the
 *   average (up for a long, down for a short) so the target profit is never cut by rounding.
 */
export interface LadderSettings {
  baseOrderSize: number;
  safetyOrderSize?: number;
  maxSafetyOrders?: number;
  priceDeviation?: number;
  safetyOrderStepScale?: number;
  safetyOrderVolumeScale?: number;
  takeProfit?: number;
  takeProfitType?: 'average' | 'base';
  direction?: 'long' | 'short';
}

export type Direction = 'long' | 'short';
export type LadderProblemKind = 'below_min_amount' | 'below_min_cost' | 'above_max_amount' | 'exceeds_balance' | 'price_not_positive';

export interface LadderLevel {
  /** 0 is the base order; n is safety order n. */
  index: number;
  /** Cumulative deviation from the base price, in percent. */
  deviation: number;
  price: number;
  /** Quote currency. */
  size: number;
  /** Base currency. */
  amount: number;
  cumulativeSize: number;
  averageEntry: number;
  /** Null when the settings have no `takeProfit`. */
  takeProfitPrice: number | null;
}

export interface LadderProblem {
  level: number;
  problem: LadderProblemKind;
  message: string;
}

export interface LadderPlan {
  levels: LadderLevel[];
  /** Quote needed when every placeable level fills. */
  totalCapital: number;
  /** Deviation (%) of the deepest level with a positive price. */
  coveredDeviation: number;
  problems: LadderProblem[];
}

/** Cumulative deviation of safety order n (n ≥ 1), in the unit of `d`. */
export function safetyOrderDeviation(n: number, d: number, s: number): number {
  return s === 1 ? d * n : (d * (s ** n - 1)) / (s - 1);
}

/** Size of safety order n (n ≥ 1), in the unit of `v1`. */
export function safetyOrderSize(n: number, v1: number, v: number): number {
  return v1 * v ** (n - 1);
}

/** Take-profit price at `tpPercent` percent from the average entry: above it for a long, below it for a short. */
export function takeProfitPrice(avg: number, tpPercent: number, direction: Direction): number {
  return clean(avg * (direction === 'long' ? 1 + tpPercent / 100 : 1 - tpPercent / 100));
}

/** Quote spent over base bought (or received over base sold); 0 when nothing was filled. */
export function averageEntry(fills: { amount: number; price: number }[]): number {
  const amount = fills.reduce((sum, fill) => sum + fill.amount, 0);
  return amount > 0 ? clean(fills.reduce((sum, fill) => sum + fill.amount * fill.price, 0) / amount) : 0;
}

/** `value` on a multiple of `step`, printed without float noise (0.1 + 0.2 stays 0.3). */
export function roundToStep(value: number, step: number, mode: 'nearest' | 'down' | 'up'): number {
  if (!(step > 0)) return value;
  const q = value / step;
  const near = Math.round(q);
  const n = Math.abs(q - near) < 1e-9 * Math.max(1, Math.abs(q)) || mode === 'nearest' ? near : mode === 'down' ? Math.floor(q) : Math.ceil(q);
  return Number((n * step).toFixed(decimals(step)));
}

export function planLadder(settings: LadderSettings, basePrice: number, rules?: MarketRules, balance?: number): LadderPlan {
  const direction = settings.direction ?? 'long';
  const sign = direction === 'long' ? -1 : 1;
  const priceStep = rules?.priceStep ?? 0;
  const levels: LadderLevel[] = [];
  const problems: LadderProblem[] = [];
  let spent = 0;
  let bought = 0;
  let coveredDeviation = 0;
  for (const { index, deviation, plannedSize } of plannedLevels(settings)) {
    const price = roundToStep(clean(basePrice * (1 + (sign * deviation) / 100)), priceStep, 'nearest');
    const report = (problem: LadderProblemKind, message: string) => problems.push({ level: index, problem, message });
    if (!(price > 0)) {
      report('price_not_positive', `level ${index} at ${deviation.toFixed(3)} % from ${basePrice} has price ${price}: it can never be placed`);
      levels.push({ index, deviation, price, size: plannedSize, amount: 0, ...totals(levels) });
      continue;
    }
    const amount = rules ? roundToStep(plannedSize / price, rules.amountStep, 'down') : clean(plannedSize / price);
    const size = rules ? clean(amount * price) : plannedSize;
    spent += size;
    bought += amount;
    coveredDeviation = deviation;
    const averageEntry = bought > 0 ? clean(spent / bought) : 0;
    const baseSize = index === 0 ? size : levels[0].size;
    const takeProfitPrice = exitPrice(settings, direction, spent, bought, averageEntry, baseSize, priceStep);
    levels.push({ index, deviation, price, size, amount, cumulativeSize: clean(spent), averageEntry, takeProfitPrice });
    if (rules) checkMinimums(rules, amount, size, report);
    if (balance !== undefined && clean(spent) > balance) report('exceeds_balance', `level ${index} needs ${clean(spent)} in all, more than the balance of ${balance}`);
  }
  return { levels, totalCapital: clean(spent), coveredDeviation, problems };
}

function plannedLevels(settings: LadderSettings) {
  const count = settings.maxSafetyOrders ?? 0;
  const d = settings.priceDeviation ?? 1;
  const s = settings.safetyOrderStepScale ?? 1;
  const v = settings.safetyOrderVolumeScale ?? 1;
  const v1 = settings.safetyOrderSize ?? settings.baseOrderSize;
  const levels = [{ index: 0, deviation: 0, plannedSize: settings.baseOrderSize }];
  for (let n = 1; n <= count; n++) levels.push({ index: n, deviation: clean(safetyOrderDeviation(n, d, s)), plannedSize: clean(safetyOrderSize(n, v1, v)) });
  return levels;
}

function exitPrice(settings: LadderSettings, direction: Direction, spent: number, bought: number, avg: number, baseSize: number, priceStep: number) {
  const tp = settings.takeProfit;
  if (tp === undefined || tp === null || !(bought > 0)) return null;
  const raw = settings.takeProfitType === 'base'
    ? (spent + (direction === 'long' ? 1 : -1) * (tp / 100) * baseSize) / bought
    : takeProfitPrice(avg, tp, direction);
  return roundToStep(clean(raw), priceStep, direction === 'long' ? 'up' : 'down');
}

function checkMinimums(rules: MarketRules, amount: number, size: number, report: (kind: LadderProblemKind, message: string) => void) {
  if (!(amount > 0) || (rules.minAmount !== null && amount < rules.minAmount)) {
    report('below_min_amount', `amount ${amount} ${rules.base} is below the minimum of ${rules.minAmount ?? rules.amountStep} ${rules.base}`);
  }
  if (rules.minCost !== null && size < rules.minCost) report('below_min_cost', `cost ${size} ${rules.quote} is below the minimum of ${rules.minCost} ${rules.quote}`);
  if (rules.maxAmount !== null && amount > rules.maxAmount) report('above_max_amount', `amount ${amount} ${rules.base} is above the maximum of ${rules.maxAmount} ${rules.base}`);
}

/** Cumulative figures carried over from the previous level (a level that cannot be placed adds nothing). */
function totals(levels: LadderLevel[]) {
  const last = levels.at(-1);
  return { cumulativeSize: last?.cumulativeSize ?? 0, averageEntry: last?.averageEntry ?? 0, takeProfitPrice: last?.takeProfitPrice ?? null };
}

/** Drops binary float noise (97.00000000000001 → 97) from a derived figure; 12 significant digits are kept. */
function clean(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(12)) : value;
}

function decimals(step: number): number {
  const [mantissa, exponent] = step.toExponential().split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.min(20, Math.max(0, fraction - Number(exponent)));
}
