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
  /** Peak resident set after listing every bot with GET /bots, page after page of the largest size: MB. */
  maxRssAfterListMb: number;
  listedBots: number;
  listPages: number;
  /** The status of the first GET /bots that did not answer 200, else 200. */
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
    const listed = await listEveryBot(app.baseUrl);
    return {
      rssEmptyMb,
      rssMb: mb(usage.rss),
      heapUsedMb: mb(usage.heapUsed),
      maxRssMb,
      evaluations: reports.reduce((n, r) => n + r.evaluations, 0),
      maxRssAfterListMb: process.resourceUsage().maxRSS / 1024,
      ...listed,
    };
  } finally {
    await app.close();
  }
}

/** Reads every bot as a client would: GET /bots?limit=1000, following nextCursor. */
async function listEveryBot(baseUrl: string): Promise<{ listedBots: number; listPages: number; listStatus: number }> {
  let listedBots = 0;
  let listPages = 0;
  let cursor: string | null = null;
  do {
    const response = await fetch(`${baseUrl}/bots?limit=1000${cursor ? `&cursor=${cursor}` : ''}`, { headers: AUTHORIZATION });
    if (response.status !== 200) return { listedBots, listPages, listStatus: response.status };
    const page = (await response.json()) as { items: unknown[]; nextCursor: string | null };
    listedBots += page.items.length;
    listPages++;
    cursor = page.nextCursor;
  } while (cursor);
  return { listedBots, listPages, listStatus: 200 };
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
