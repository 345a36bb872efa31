import type { Operator } from '../registry/index.js';

export interface Sides {
  lhs: number | null;
  rhs: number | null;
}

/**
 * Whether a condition holds on a closed candle. A side that is not known yet (indicator warming up) makes it false.
 * A crossing holds only on the candle where it happens: the previous candle was on or below (above) and this one is above (below).
 */
export function holds(operator: Operator, now: Sides, previous: Sides | undefined): boolean {
  const { lhs, rhs } = now;
  if (lhs === null || rhs === null) return false;
  switch (operator) {
    case 'lt':
      return lhs < rhs;
    case 'lte':
      return lhs <= rhs;
    case 'gt':
      return lhs > rhs;
    case 'gte':
      return lhs >= rhs;
    case 'crosses_above':
      return known(previous) && previous.lhs <= previous.rhs && lhs > rhs;
    case 'crosses_below':
      return known(previous) && previous.lhs >= previous.rhs && lhs < rhs;
  }
}

function known(sides: Sides | undefined): sides is { lhs: number; rhs: number } {
  return sides !== undefined && sides.lhs !== null && sides.rhs !== null;
}
