/** One mark of the account: market time (epoch ms) and equity in the quote currency. */
export type EquityPoint = [time: number, equity: number];

export interface Drawdown {
  /** Largest fall from a peak, in quote (≤ 0) and in percent of that peak (≤ 0). */
  amount: number;
  percent: number;
  peakAt: number | null;
  troughAt: number | null;
}

/** The largest peak-to-trough fall of the curve, measured at every point. */
export function maxDrawdown(points: readonly EquityPoint[]): Drawdown {
  let worst: Drawdown = { amount: 0, percent: 0, peakAt: null, troughAt: null };
  let peak: EquityPoint | undefined;
  for (const point of points) {
    if (!peak || point[1] > peak[1]) peak = point;
    const fall = point[1] - peak[1];
    if (fall < worst.amount) {
      worst = { amount: fall, percent: peak[1] > 0 ? (100 * fall) / peak[1] : 0, peakAt: peak[0], troughAt: point[0] };
    }
  }
  return worst;
}

/**
 * At most about `limit` points for the chart and the report: the curve is cut into buckets and each keeps its lowest
 * and highest point (in time order), so peaks and troughs (and so the drawdown) stay visible. The first and last
 * points are always kept.
 */
export function downsample(points: readonly EquityPoint[], limit: number): EquityPoint[] {
  if (points.length <= limit) return [...points];
  const buckets = Math.max(1, Math.floor((limit - 2) / 2));
  const size = (points.length - 2) / buckets;
  const kept: EquityPoint[] = [points[0]];
  for (let b = 0; b < buckets; b++) {
    const slice = points.slice(1 + Math.floor(b * size), 1 + Math.floor((b + 1) * size));
    if (slice.length === 0) continue;
    let low = slice[0];
    let high = slice[0];
    for (const point of slice) {
      if (point[1] < low[1]) low = point;
      if (point[1] > high[1]) high = point;
    }
    kept.push(...(low === high ? [low] : low[0] < high[0] ? [low, high] : [high, low]));
  }
  kept.push(points[points.length - 1]);
  return kept;
}

/** Equity to 1e-8 of the quote currency: finer than any venue's precision, and free of float noise at any size. */
export function roundQuote(value: number): number {
  return Math.round(value * 1e8) / 1e8;
}

/** Drops binary float noise from a derived figure; 12 significant digits are kept. */
export function round12(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(12)) : value;
}
