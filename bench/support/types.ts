/** One measured number, with the goal it is judged against (if any). */
export interface Figure {
  /** What was measured, e.g. "tick, 100,000 bots ÷ tick, 1,000 bots". */
  name: string;
  value: number;
  unit: string;
  /** The goal in words, e.g. "≤ 1.2×"; empty for a figure given for context only. */
  goal: string;
  /** Whether the goal is met; null for a figure without a goal. */
  met: boolean | null;
}

export interface BenchResult {
  id: string;
  title: string;
  figures: Figure[];
  /** How it was measured: sizes, repetitions, what is and is not included. */
  notes: string[];
  /** Set when the benchmark could not run here (a missing optional package); figures is then empty. */
  skipped?: string;
  /** Set when the benchmark threw: the first line of the error. */
  failed?: string;
  durationMs: number;
}

export interface BenchContext {
  /** Tiny sizes: checks that the benchmark still works, measures nothing worth reading. */
  smoke: boolean;
  log: (line: string) => void;
}

export interface Benchmark {
  id: string;
  title: string;
  run(context: BenchContext): Promise<Omit<BenchResult, 'id' | 'title' | 'durationMs'>>;
}

/** A figure judged against an upper bound. */
export function atMost(name: string, value: number, unit: string, limit: number, goal = `≤ ${limit} ${unit}`.trim()): Figure {
  return { name, value, unit, goal, met: value <= limit };
}

/** A figure judged against a lower bound. */
export function atLeast(name: string, value: number, unit: string, limit: number, goal = `≥ ${limit} ${unit}`.trim()): Figure {
  return { name, value, unit, goal, met: value >= limit };
}

export function info(name: string, value: number, unit: string): Figure {
  return { name, value, unit, goal: '', met: null };
}
