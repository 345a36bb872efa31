const HOUR = 3_600_000;

/**
 * The wait after the `attempt`-th failure: the base doubled per failure, capped at an hour, with "equal jitter"
 * (a random point in the upper half) so that receivers coming back up are not hit by every retry at once, while
 * a retry never comes sooner than half its step.
 */
export function retryDelay(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const step = Math.min(HOUR, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}
