import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { request } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

const MAIN = 'dist/src/main.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * `npm start` on a machine with nothing configured: the built app must bring up its own PostgreSQL,
 * use the in-process bus and the simulated market, evaluate, place a paper order, and stop cleanly on SIGTERM.
 */
describe('the default start, with no database or Redis configured', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tbo-default-start-'));
  // Run as root, the embedded server drops to a system user, which must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  let child: ChildProcess | undefined;
  let output = '';

  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('comes up, evaluates, places a paper order, and exits 0 on SIGTERM', async () => {
    expect(existsSync(MAIN), `${MAIN} is missing: npm test builds it first (npm run build)`).toBe(true);
    const [port, pgPort] = [await freePort(), await freePort()];
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), EMBEDDED_PG_DIR: join(dataDir, 'pg'), EMBEDDED_PG_PORT: String(pgPort), REPLAY_SPEED: '600', EVALUATOR_CRON: '* * * * * *', LOG_FORMAT: 'json' };
    child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await request(base, 'GET', '/health').catch(() => ({ status: 0 }))).status === 200, 60_000, `health; output so far:\n${output}`);

    expect(output).toContain('starting the embedded PostgreSQL');
    expect(output).toContain('event bus: in-process');
    expect(output).toContain('market data: simulated');

    const created = await request(base, 'POST', '/bots', {
      name: 'default start', type: 'dca', exchange: 'paper', symbol: 'BTC/USDT',
      conditions: [{ timeframe: '1m', indicator: 'price', operator: 'crosses_above', value: { indicator: 'sma', params: { period: 3 } } }],
      dca: { baseOrderSize: 25, orderType: 'market' },
    });
    expect(created.status).toBe(201);
    const conditionId = created.body.conditions[0].id;
    await waitFor(async () => (await request(base, 'GET', `/conditions/${conditionId}`)).body.lastEvaluation !== null, 30_000, 'an evaluation');
    const orders = async () => (await request(base, 'GET', `/bots/${created.body.id}/orders`)).body.items;
    await waitFor(async () => (await orders())[0]?.status === 'filled', 60_000, 'a filled paper order');
    const [order] = await orders();
    expect(order).toMatchObject({ status: 'filled', side: 'buy', quoteAmount: 25 });

    const exit = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    child = undefined;
  }, 180_000);
});
