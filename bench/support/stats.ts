import { performance } from 'node:perf_hooks';

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100) of the values; NaN when there are none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export function mean(values: number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

export interface Sample {
  wallMs: number;
  /** CPU time (user + system) of this process during the work, in ms: Postgres's and Redis's CPU is not in it. */
  cpuMs: number;
}

/** Wall and CPU time of `work`. */
export async function measure<T>(work: () => Promise<T> | T): Promise<Sample & { result: T }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await work();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000, result };
}

export function summarize(samples: Sample[]): { wallMs: number; cpuMs: number; wallMin: number; wallMax: number } {
  const walls = samples.map((s) => s.wallMs);
  return { wallMs: median(walls), cpuMs: median(samples.map((s) => s.cpuMs)), wallMin: Math.min(...walls), wallMax: Math.max(...walls) };
}

/** "12.3" for figures in tables: three significant digits, no exponent. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
