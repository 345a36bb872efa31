import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { AUTHORIZATION, BENCH_APP_ENV, startBenchApp } from './support/bench-app.js';
import { benchConditions, insertBots, insertConditions } from './support/fixtures.js';
import { connect, REDIS_URL, withIsolatedServers } from './support/infra.js';
import { fmt, sleep } from './support/stats.js';
import { atLeast, atMost, info, type Benchmark } from './support/types.js';

/** The part of autocannon's programmatic API used here (autocannon 7–9). */
interface AutocannonResult {
  duration: number;
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

export const AUTOCANNON_MISSING = 'autocannon is not installed: add it with `npm install --save-dev autocannon` to run the HTTP benchmark';

async function loadAutocannon(): Promise<Autocannon | undefined> {
  const name = 'autocannon';
  try {
    const loaded = (await import(name)) as { default?: Autocannon };
    return (loaded.default ?? loaded) as Autocannon;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find (module|package) 'autocannon'/.test(String(error))) return undefined;
    throw error;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** The compiled app, as deployed: beside the compiled bench, else in the build output. */
function compiledMain(): string | undefined {
  const path = __filename.endsWith('.js') ? join(__dirname, '..', 'src', 'main.js') : resolve('dist/src/main.js');
  return existsSync(path) ? path : undefined;
}

interface Server {
  baseUrl: string;
  where: string;
  stop(): Promise<void>;
}

/** The app in a process of its own (so that the load generator does not share its event loop), or in this one. */
async function startServer(env: Record<string, string>): Promise<Server> {
  const main = compiledMain();
  if (!main) {
    const app = await startBenchApp(env);
    return { baseUrl: app.baseUrl, where: 'in the benchmark process (no compiled dist/src/main.js found)', stop: () => app.close() };
  }
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? '', EVALUATOR_CRON: 'off', LOG_LEVEL: 'error', LOG_FORMAT: 'json', ...BENCH_APP_ENV, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`${baseUrl}/health`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`app did not start: ${stderr.slice(-2000)}`);
    }
    await sleep(100);
  }
  return {
    baseUrl,
    where: 'in a process of its own (the compiled app, dist/src/main.js)',
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** HTTP: GET /conditions/:id throughput, and POST /bots latency at a fixed rate, with autocannon. */
export const http: Benchmark = {
  id: 'http',
  title: 'HTTP',
  async run({ smoke, log }) {
    const autocannon = await loadAutocannon();
    if (!autocannon) return { figures: [], notes: [], skipped: AUTOCANNON_MISSING };
    const size = smoke
      ? { series: 2, perSeries: 5, bots: 50, seconds: 1, connections: 5, postRate: 20 }
      : { series: 100, perSeries: 10, bots: 10_000, seconds: 10, connections: 50, postRate: 200 };
    return withIsolatedServers('http', async (database, prefix) => {
      const server = await startServer({ DATABASE_URL: database.url, REDIS_URL, REDIS_KEY_PREFIX: prefix, MARKET_DATA_SOURCE: 'simulated' });
      const db = await connect(database.url);
      try {
        const conditions = benchConditions(size.series, size.perSeries);
        const conditionIds = await insertConditions(db, conditions);
        await insertBots(db, { from: 0, to: size.bots - 1, seriesCount: size.series, perSeries: size.perSeries, conditionIds, conditionsPerBot: 2 });
        const paths = conditionIds.slice(0, 10).map((id) => `/conditions/${id}`);
        const gets = paths.map((path) => ({ method: 'GET', path, headers: AUTHORIZATION }));

        await autocannon({ url: server.baseUrl, connections: size.connections, duration: Math.max(1, size.seconds / 5), requests: gets });
        const get = await autocannon({ url: server.baseUrl, connections: size.connections, duration: size.seconds, requests: gets });
        const getRate = get.requests.total / get.duration;
        log(`  GET /conditions/:id: ${fmt(getRate)} requests/s`);

        const body = JSON.stringify({
          name: 'bench http', type: 'dca', exchange: 'paper', symbol: conditions[0].symbol, dca: { baseOrderSize: 10 },
          conditions: [{ timeframe: '1m', indicator: 'rsi', params: { period: 14 }, operator: 'lt', value: 30 }],
        });
        const post = await autocannon({
          url: `${server.baseUrl}/bots`, method: 'POST', headers: { 'content-type': 'application/json', ...AUTHORIZATION }, body,
          connections: 20, overallRate: size.postRate, duration: size.seconds,
        });
        log(`  POST /bots at ${size.postRate}/s: p99 ${fmt(post.latency.p99)} ms`);
        const failures = get.errors + get.timeouts + get.non2xx + post.errors + post.timeouts + post.non2xx;
        return {
          figures: [
            atLeast('GET /conditions/:id throughput', getRate, 'requests/s', 5_000, '≥ 5,000 requests/s'),
            info('GET /conditions/:id latency p99', get.latency.p99, 'ms'),
            atMost(`POST /bots latency p99 at ${size.postRate} requests/s`, post.latency.p99, 'ms', 50, '< 50 ms'),
            info('POST /bots latency p50', post.latency.p50, 'ms'),
            info('failed or non-2xx responses', failures, ''),
          ],
          notes: [
            `autocannon against the app running ${server.where}, on a database with ${conditionIds.length} conditions and ${size.bots.toLocaleString('en-US')} bots.`,
            `GET: ${size.connections} connections for ${size.seconds} s over 10 condition ids, after a short warm-up; ${get.requests.total.toLocaleString('en-US')} requests.`,
            `POST /bots: a DCA bot with one RSI condition (registered once, then shared), ${size.postRate} requests/s overall (autocannon overallRate) ` +
              `for ${size.seconds} s on 20 connections; ${post.requests.total.toLocaleString('en-US')} requests.`,
          ],
        };
      } finally {
        await db.end();
        await server.stop();
      }
    });
  },
};
