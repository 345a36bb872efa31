import { ManualClock } from '../src/clock/index.js';
import { EvaluationService } from '../src/evaluator/index.js';
import { AUTHORIZATION, startBenchApp } from './support/bench-app.js';
import { benchConditions, insertBots, insertConditions, ORIGIN } from './support/fixtures.js';
import { connect } from './support/infra.js';
import { advanceAndTick, QUIET_RELAY } from './support/ticks.js';

export interface MemoryParams {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  series: number;
  perSeries: number;
  bots: number;
  conditionsPerBot: number;
  ticks: number;
}

export interface MemoryFigures {
  /** Resident set of the app process, just started, no bot: MB. */
  rssEmptyMb: number;
  /** Resident set with the bots and conditions registered and every series' runtime loaded, after a GC: MB. */
  rssMb: number;
  heapUsedMb: number;
  /** Highest resident set the process reached, setup included: MB. */
  maxRssMb: number;
  evaluations: number;
  /** Peak resident set after one GET /bots, which answers every bot at once (no pagination): MB. */
  maxRssAfterListMb: number;
  listedBots: number;
  listStatus: number;
}

const mb = (bytes: number) => bytes / 2 ** 20;
const collect = () => (globalThis as { gc?: () => void }).gc?.();

/**
 * The app with `bots` bots on `series × perSeries` conditions, its runtimes loaded by a few ticks: how much memory it
 * holds. Run in a process of its own (see memory.bench.ts) so that nothing else is counted.
 */
export async function measureAppMemory(params: MemoryParams): Promise<MemoryFigures> {
  const clock = new ManualClock(ORIGIN);
  const app = await startBenchApp(
    { DATABASE_URL: params.databaseUrl, REDIS_URL: params.redisUrl, REDIS_KEY_PREFIX: params.prefix, MARKET_DATA_SOURCE: 'simulated' },
    clock,
    [QUIET_RELAY],
  );
  try {
    collect();
    const rssEmptyMb = mb(process.memoryUsage().rss);
    const db = await connect(params.databaseUrl);
    try {
      const conditions = benchConditions(params.series, params.perSeries);
      const conditionIds = await insertConditions(db, conditions);
      await insertBots(db, { from: 0, to: params.bots - 1, seriesCount: params.series, perSeries: params.perSeries, conditionIds, conditionsPerBot: params.conditionsPerBot });
    } finally {
      await db.end();
    }
    const reports = await advanceAndTick(app.get(EvaluationService), clock, params.ticks);
    collect();
    const usage = process.memoryUsage();
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    const response = await fetch(`${app.baseUrl}/bots`, { headers: AUTHORIZATION });
    const listed: unknown = await response.json().catch(() => undefined);
    return {
      rssEmptyMb,
      rssMb: mb(usage.rss),
      heapUsedMb: mb(usage.heapUsed),
      maxRssMb,
      evaluations: reports.reduce((n, r) => n + r.evaluations, 0),
      maxRssAfterListMb: process.resourceUsage().maxRSS / 1024,
      listedBots: Array.isArray(listed) ? listed.length : 0,
      listStatus: response.status,
    };
  } finally {
    await app.close();
  }
}

export const RESULT_MARK = 'BENCH_MEMORY_RESULT ';

if (process.argv[1]?.endsWith('memory-app.js') && process.argv[2]) {
  measureAppMemory(JSON.parse(process.argv[2]) as MemoryParams).then(
    (figures) => {
      process.stdout.write(`${RESULT_MARK}${JSON.stringify(figures)}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
