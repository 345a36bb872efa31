import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
 * use the in-process bus and the simulated market, generate an admin token into a file only its user can read,
 * evaluate, place a paper order, and stop cleanly on SIGTERM.
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
    const tokenFile = join(dataDir, 'admin-token');
    // The rate limit is raised only because this test polls every 10 ms; a person does not.
    const env = {
      PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), EMBEDDED_PG_DIR: join(dataDir, 'pg'), EMBEDDED_PG_PORT: String(pgPort), ADMIN_TOKEN_FILE: tokenFile,
      REPLAY_SPEED: '600', EVALUATOR_CRON: '* * * * * *', LOG_FORMAT: 'json', RATE_LIMIT_PER_MINUTE: '100000',
    };
    child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await request(base, 'GET', '/health').catch(() => ({ status: 0 }))).status === 200, 60_000, `health; output so far:\n${output}`);

    expect(output).toContain('starting the embedded PostgreSQL');
    expect(output).toContain('event bus: in-process');
    expect(output).toContain('market data: simulated');

    // No ADMIN_TOKEN: one was generated into the file, which only this user may read; the log names the file, not the token.
    const token = readFileSync(tokenFile, 'utf8').trim();
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(output).toContain(tokenFile);
    expect(output).not.toContain(token);
    expect((await request(base, 'GET', '/bots', undefined, { token: null })).status).toBe(401);
    const api = (method: string, path: string, body?: unknown) => request(base, method, path, body, { token });

    const created = await api('POST', '/bots', {
      name: 'default start', type: 'dca', exchange: 'paper', symbol: 'BTC/USDT',
      conditions: [{ timeframe: '1m', indicator: 'price', operator: 'crosses_above', value: { indicator: 'sma', params: { period: 3 } } }],
      dca: { baseOrderSize: 25, orderType: 'market' },
    });
    expect(created.status).toBe(201);
    const conditionId = created.body.conditions[0].id;
    await waitFor(async () => (await api('GET', `/conditions/${conditionId}`)).body.lastEvaluation !== null, 30_000, 'an evaluation');
    const orders = async () => (await api('GET', `/bots/${created.body.id}/orders`)).body.items;
    await waitFor(async () => (await orders())[0]?.status === 'filled', 60_000, 'a filled paper order');
    const [order] = await orders();
    expect(order).toMatchObject({ status: 'filled', side: 'buy', quoteAmount: 25 });

    const exit = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    child = undefined;
  }, 180_000);

  it('comes up with the default data folders in a fresh project folder, as root too (the server then runs as "postgres")', async () => {
    const project = mkdtempSync(join(tmpdir(), 'tbo-fresh-project-'));
    let fresh: ChildProcess | undefined;
    let log = '';
    try {
      const [port, pgPort] = [await freePort(), await freePort()];
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), EMBEDDED_PG_PORT: String(pgPort), EVALUATOR_CRON: 'off', LOG_FORMAT: 'json' };
      fresh = spawn(process.execPath, [resolve(MAIN)], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
      fresh.stdout!.on('data', (chunk) => (log += chunk));
      fresh.stderr!.on('data', (chunk) => (log += chunk));
      await waitFor(async () => (await request(`http://127.0.0.1:${port}`, 'GET', '/health').catch(() => ({ status: 0 }))).status === 200, 60_000, `health; output so far:\n${log}`);
      // The token's folder lets others through but not list it; the token itself stays its user's alone.
      expect(statSync(join(project, '.data')).mode & 0o007).toBe(process.getuid?.() === 0 ? 0o001 : 0);
      expect(statSync(join(project, '.data', 'admin-token')).mode & 0o777).toBe(0o600);
      const exit = new Promise<number | null>((done) => fresh!.once('exit', (code) => done(code)));
      fresh.kill('SIGTERM');
      expect(await exit).toBe(0);
      fresh = undefined;
    } finally {
      fresh?.kill('SIGKILL');
      rmSync(project, { recursive: true, force: true });
    }
  }, 120_000);
});
