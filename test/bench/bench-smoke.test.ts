import { describe, expect, it } from 'vitest';
import { AUTOCANNON_MISSING } from '../../bench/http.bench.js';
import { formatMarkdown } from '../../bench/report.js';
import { BENCHMARKS, runBenchmarks } from '../../bench/suite.js';

/**
 * The benchmarks are not tests: this runs them at tiny sizes only to check that they still work against the real
 * Postgres and Redis (every benchmark produces its figures). No timing is asserted, and no report is written.
 */
describe('the benchmarks, smoke run', () => {
  it('runs every benchmark and each produces its figures', async () => {
    const lines: string[] = [];
    const results = await runBenchmarks({ smoke: true, log: (line) => lines.push(line) });

    expect(results.map((r) => r.id)).toEqual(BENCHMARKS.map((b) => b.id));
    for (const result of results) {
      expect(result.failed, `${result.id} failed:\n${lines.join('\n')}`).toBeUndefined();
      if (result.skipped) {
        // Only an optional load generator that is not installed may skip a benchmark.
        expect(result.skipped).toBe(AUTOCANNON_MISSING);
        continue;
      }
      expect(result.figures.length, result.id).toBeGreaterThan(0);
      for (const figure of result.figures) expect(Number.isFinite(figure.value), `${result.id}: ${figure.name} = ${figure.value}`).toBe(true);
    }

    const machine = { date: new Date().toISOString(), os: 'os', cpu: 'cpu', memory: 'memory', node: 'node', postgres: 'pg', redis: 'redis' };
    const markdown = formatMarkdown(results, machine, { command: 'node dist/bench/run.js --smoke', smoke: true });
    for (const result of results) expect(markdown).toContain(`### ${result.title}`);
  }, 300_000);
});
