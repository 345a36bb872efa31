import type { MarketRules } from '../../exchange/index.js';
import { gridLines, nearestLine, type GridPlan, type GridSizing } from './grid-plan.js';

export interface GridPreviewLine {
  index: number;
  price: number;
  /** What the line holds when the grid starts at the preview's price; the line nearest the price stays empty. */
  side: 'buy' | 'sell' | 'none';
  /** Base amount of its order (0 on the empty line). */
  amount: number;
}

export interface GridPreview extends Pick<GridPlan, 'amountPerLine' | 'investment' | 'profitPerGrid' | 'problems'> {
  price: number;
  lines: GridPreviewLine[];
  /** Base the start buys at market for the sells above the price. */
  startBuyAmount: number;
}

/** The grid a `POST /bots` body would lay out from `price`, checked against the market's rules. */
export function previewGrid(settings: GridSizing, price: number, rules: MarketRules, makerFee?: number): GridPreview {
  const plan = gridLines(settings, rules, makerFee);
  const empty = nearestLine(plan.prices, price);
  const lines = plan.prices.map((linePrice, index): GridPreviewLine => {
    const side = index < empty ? 'buy' : index > empty ? 'sell' : 'none';
    return { index, price: linePrice, side, amount: side === 'none' ? 0 : plan.amountPerLine };
  });
  const sells = lines.filter((line) => line.side === 'sell').length;
  return {
    price, lines, amountPerLine: plan.amountPerLine, investment: plan.investment, profitPerGrid: plan.profitPerGrid, problems: plan.problems,
    startBuyAmount: Number((sells * plan.amountPerLine).toPrecision(12)),
  };
}
