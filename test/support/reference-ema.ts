/** EMA as trading-signals computes it (seeded with the first price, reported from the `period`-th input), written apart. */
export function referenceEma(closes: number[], period: number): (number | null)[] {
  const k = 2 / (period + 1);
  let value: number | undefined;
  return closes.map((close, i) => {
    value = value === undefined ? close : close * k + value * (1 - k);
    return i + 1 >= period ? value : null;
  });
}

/** Candles (by index) where `fast` crosses above / below `slow`: the previous candle on or below (above), this one above (below). */
export function crossings(fast: (number | null)[], slow: (number | null)[]): { up: number[]; down: number[] } {
  const up: number[] = [];
  const down: number[] = [];
  for (let i = 1; i < fast.length; i++) {
    const [f0, s0, f1, s1] = [fast[i - 1], slow[i - 1], fast[i], slow[i]];
    if (f0 === null || s0 === null || f1 === null || s1 === null) continue;
    if (f0 <= s0 && f1 > s1) up.push(i);
    if (f0 >= s0 && f1 < s1) down.push(i);
  }
  return { up, down };
}
