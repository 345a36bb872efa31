import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { measureAppMemory, RESULT_MARK, type MemoryFigures, type MemoryParams } from './memory-app.js';
import { REDIS_URL, withIsolatedServers } from './support/infra.js';
import { fmt } from './support/stats.js';
import { atMost, info, type Benchmark } from './support/types.js';

/** The compiled child script: beside this file when running compiled, else in the build output. */
function childScript(): string | undefined {
  if (__filename.endsWith('.js')) return join(__dirname, 'memory-app.js');
  const built = resolve('dist/bench/memory-app.js');
  return existsSync(built) ? built : undefined;
}

function inChildProcess(script: string, params: MemoryParams): Promise<MemoryFigures> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', script, JSON.stringify(params)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_MARK));
      if (code === 0 && line) resolvePromise(JSON.parse(line.slice(RESULT_MARK.length)) as MemoryFigures);
      else reject(new Error(`memory child exited with ${code}: ${(err || out).slice(-2000)}`));
    });
  });
}

/** Memory: resident set of the app process holding 100,000 bots on 1,000 conditions with its runtimes loaded. */
export const memory: Benchmark = {
  id: 'memory',
  title: 'Memory',
  async run({ smoke, log }) {
    const size = smoke ? { series: 4, perSeries: 5, bots: 200, ticks: 2 } : { series: 100, perSeries: 10, bots: 100_000, ticks: 3 };
    return withIsolatedServers('memory', async (database, prefix) => {
      const params: MemoryParams = { databaseUrl: database.url, redisUrl: REDIS_URL, prefix, ...size, conditionsPerBot: 2 };
      const script = childScript();
      const figures = script ? await inChildProcess(script, params) : await measureAppMemory(params);
      log(`  RSS ${fmt(figures.rssMb)} MB (empty app ${fmt(figures.rssEmptyMb)} MB, peak ${fmt(figures.maxRssMb)} MB)`);
      const conditions = size.series * size.perSeries;
      return {
        figures: [
          atMost(`resident set, ${size.bots.toLocaleString('en-US')} bots and ${conditions.toLocaleString('en-US')} conditions, runtimes loaded`, figures.rssMb, 'MB', 500, '< 500 MB'),
          info('resident set of the app just started, no bots', figures.rssEmptyMb, 'MB'),
          info('JS heap used, loaded', figures.heapUsedMb, 'MB'),
          info('peak resident set of the process (setup included)', figures.maxRssMb, 'MB'),
          ...(figures.listStatus === 200
            ? [info(`peak resident set after listing every bot with GET /bots (${figures.listedBots.toLocaleString('en-US')} bots, ${figures.listPages.toLocaleString('en-US')} pages)`, figures.maxRssAfterListMb, 'MB')]
            : []),
        ],
        notes: [
          `${script ? 'A process of its own (node --expose-gc, the compiled bench/memory-app)' : 'This process (no compiled bench/memory-app.js was found), so the figure includes the bench itself'}` +
            ` runs the whole app (cron off, relay silenced); ${size.bots.toLocaleString('en-US')} DCA bots with 2 entry conditions each on ${conditions.toLocaleString('en-US')} ` +
            `conditions over ${size.series} 1m series are written with bulk SQL (the rows POST /bots writes), then ${size.ticks} ticks load every series' runtime ` +
            `(${figures.evaluations.toLocaleString('en-US')} evaluations); the resident set is read after a full GC.`,
          'The evaluator keeps no per-bot state (bots live in Postgres); what grows with bots is the rows the evaluator reads per tick, which are per condition.',
          figures.listStatus === 200
            ? 'Afterwards every bot is listed with GET /bots?limit=1000 (the largest page), following nextCursor to the end: a page holds at most 1,000 ' +
              'bots with their conditions, so the peak no longer grows with the number of bots.'
            : `GET /bots answered ${figures.listStatus}: its peak is not reported.`,
        ],
      };
    });
  },
};
