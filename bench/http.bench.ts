import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
  /** CPU time the app's process has used so far (ms), where the OS tells (Linux); undefined otherwise. */
  cpuMs(): number | undefined;
  stop(): Promise<void>;
}

/** utime + stime of a process from /proc, in ms (clock ticks of 10 ms). */
function processCpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** The app in a process of its own (so that the load generator does not share its event loop), or in this one. */
async function startServer(env: Record<string, string>): Promise<Server> {
  const main = compiledMain();
  if (!main) {
    const app = await startBenchApp(env);
    return { baseUrl: app.baseUrl, where: 'in the benchmark process (no compiled dist/src/main.js found)', cpuMs: () => undefined, stop: () => app.close() };
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
    cpuMs: () => processCpuMs(child.pid!),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** An account, its API token and a paper exchange account: what a client of the API has. */
async function clientAccount(baseUrl: string): Promise<{ headers: Record<string, string>; exchangeAccountId: string }> {
  const post = async (path: string, body: unknown, headers: Record<string, string>) => {
    const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
    return response.json() as Promise<Record<string, any>>;
  };
  const { token } = await post('/accounts', { name: 'bench http' }, AUTHORIZATION);
  const headers = { authorization: `Bearer ${token}` };
  const exchangeAccount = await post('/exchange-accounts', { exchange: 'paper', label: 'bench http', balances: { USDT: 100_000_000 } }, headers);
  return { headers, exchangeAccountId: exchangeAccount.id };
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
        const client = await clientAccount(server.baseUrl);
        const paths = conditionIds.slice(0, 10).map((id) => `/conditions/${id}`);
        const gets = paths.map((path) => ({ method: 'GET', path, headers: client.headers }));

        await autocannon({ url: server.baseUrl, connections: size.connections, duration: Math.max(1, size.seconds / 5), requests: gets });
        const cpuBefore = server.cpuMs();
        const get = await autocannon({ url: server.baseUrl, connections: size.connections, duration: size.seconds, requests: gets });
        const cpuAfter = server.cpuMs();
        const getRate = get.requests.total / get.duration;
        const cpuPerGet = cpuBefore === undefined || cpuAfter === undefined ? undefined : ((cpuAfter - cpuBefore) * 1000) / get.requests.total;
        log(`  GET /conditions/:id: ${fmt(getRate)} requests/s${cpuPerGet === undefined ? '' : `, ${fmt(cpuPerGet)} µs of the app's CPU each`}`);

        const body = JSON.stringify({
          name: 'bench http', type: 'dca', exchange: 'paper', symbol: conditions[0].symbol, dca: { baseOrderSize: 10 },
          exchangeAccountId: client.exchangeAccountId,
          conditions: [{ timeframe: '1m', indicator: 'rsi', params: { period: 14 }, operator: 'lt', value: 30 }],
        });
        const post = await autocannon({
          url: `${server.baseUrl}/bots`, method: 'POST', headers: { 'content-type': 'application/json', ...client.headers }, body,
          connections: 20, overallRate: size.postRate, duration: size.seconds,
        });
        log(`  POST /bots at ${size.postRate}/s: p50 ${fmt(post.latency.p50)} ms, p99 ${fmt(post.latency.p99)} ms`);
        const failures = get.errors + get.timeouts + get.non2xx + post.errors + post.timeouts + post.non2xx;
        return {
          figures: [
            atLeast('GET /conditions/:id throughput', getRate, 'requests/s', 5_000, '≥ 5,000 requests/s'),
            info('GET /conditions/:id latency p99', get.latency.p99, 'ms'),
            ...(cpuPerGet === undefined ? [] : [info('GET /conditions/:id: CPU of the app process per request', cpuPerGet, 'µs')]),
            atMost(`POST /bots latency p99 at ${size.postRate} requests/s`, post.latency.p99, 'ms', 50, '< 50 ms'),
            info('POST /bots latency p50', post.latency.p50, 'ms'),
            info('failed or non-2xx responses', failures, ''),
          ],
          notes: [
            `autocannon against the app running ${server.where}, on a database with ${conditionIds.length} conditions and ${size.bots.toLocaleString('en-US')} bots. ` +
              'Requests carry the API token of an account the benchmark creates (as a client would; the admin token would skip the token lookup), ' +
              'and its bots trade on a paper exchange account of that account. autocannon runs in the benchmark process, on the same two cores.',
            `GET: ${size.connections} connections for ${size.seconds} s over 10 condition ids, after a short warm-up; ${get.requests.total.toLocaleString('en-US')} requests. ` +
              'The app answers a condition from memory for a second (ConditionViewCache), so about 10 requests a second read Postgres: ' +
              'the figure is that of clients polling shared conditions.',
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
