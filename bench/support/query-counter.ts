import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';

export interface QueryStats {
  /** Counting happens only while this is true. */
  enabled: boolean;
  count: number;
  /** Sum of the time each statement was awaited (round trip included). */
  ms: number;
  /** Statements by their first 90 characters: how many and how long. */
  byKind: Map<string, { count: number; ms: number }>;
}

/** A statement's kind for the breakdown: its first words, numbers and placeholders left as they are. */
function kindOf(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 90 ? `${flat.slice(0, 90)}…` : flat;
}

/**
 * Counts and times every statement the app's data source runs through its query runners (transactions included),
 * by wrapping the runners it creates: nothing in the app changes, the count is this process's view.
 */
export function countQueries(dataSource: DataSource): QueryStats {
  const stats: QueryStats = { enabled: false, count: 0, ms: 0, byKind: new Map() };
  const driver = dataSource.driver as unknown as { createQueryRunner(mode: string): { query: (...args: any[]) => Promise<unknown> } };
  const create = driver.createQueryRunner.bind(driver);
  driver.createQueryRunner = (mode: string) => {
    const runner = create(mode);
    const query = runner.query.bind(runner);
    runner.query = async (...args: any[]) => {
      if (!stats.enabled) return query(...args);
      const start = performance.now();
      try {
        return await query(...args);
      } finally {
        const ms = performance.now() - start;
        stats.count++;
        stats.ms += ms;
        const kind = kindOf(String(args[0]));
        const entry = stats.byKind.get(kind) ?? { count: 0, ms: 0 };
        entry.count++;
        entry.ms += ms;
        stats.byKind.set(kind, entry);
      }
    };
    return runner;
  };
  return stats;
}
