import { performance } from 'node:perf_hooks';
import { busLatency } from './bus-latency.bench.js';
import { evaluationCpu } from './evaluation-cpu.bench.js';
import { exchangeCalls } from './exchange-calls.bench.js';
import { http } from './http.bench.js';
import { incrementalIndicators } from './incremental-indicators.bench.js';
import { memory } from './memory.bench.js';
import { notifierThroughput } from './notifier-throughput.bench.js';
import { sharedEvaluation } from './shared-evaluation.bench.js';
import type { Benchmark, BenchResult } from './support/types.js';

export type { BenchResult, Figure } from './support/types.js';

/** Every benchmark, in the order they run and are reported. */
export const BENCHMARKS: Benchmark[] = [
  sharedEvaluation,
  incrementalIndicators,
  evaluationCpu,
  busLatency,
  notifierThroughput,
  exchangeCalls,
  memory,
  http,
];

export interface RunOptions {
  /** Tiny sizes: checks that every benchmark still works (the CI smoke run). */
  smoke: boolean;
  /** Ids of the benchmarks to run; all when empty. */
  only?: string[];
  log?: (line: string) => void;
}

/**
 * Runs the benchmarks one after the other (never side by side: they would measure each other) and returns their
 * figures. A benchmark that throws is reported as failed and the others still run.
 */
export async function runBenchmarks(options: RunOptions): Promise<BenchResult[]> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const selected = BENCHMARKS.filter((b) => !options.only?.length || options.only.includes(b.id));
  const results: BenchResult[] = [];
  for (const benchmark of selected) {
    log(`▶ ${benchmark.title}${options.smoke ? ' (smoke)' : ''}`);
    const start = performance.now();
    try {
      const outcome = await benchmark.run({ smoke: options.smoke, log });
      results.push({ id: benchmark.id, title: benchmark.title, ...outcome, durationMs: performance.now() - start });
      if (outcome.skipped) log(`  skipped: ${outcome.skipped}`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`  FAILED: ${message}`);
      results.push({ id: benchmark.id, title: benchmark.title, figures: [], notes: [], failed: message.split('\n')[0], durationMs: performance.now() - start });
    }
  }
  return results;
}
