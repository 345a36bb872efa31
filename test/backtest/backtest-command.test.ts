import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BacktestReport } from '../../src/backtest/index.js';
import { BINANCE_1M } from '../support/reference-market.js';
import { readEquitySvg } from './equity-svg-reader.js';

/** The built command (run `npx nest build` first), as `npm run backtest` runs it. */
const COMMAND = 'dist/scripts/backtest.js';
const DCA = 'test/backtest/bots/dca-rsi.json';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function backtest(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [COMMAND, ...args], { env: { PATH: process.env.PATH ?? '', CI: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run backtest (the built command)', () => {
  const work = mkdtempSync(join(tmpdir(), 'backtest-command-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('replays a bot on an embedded PostgreSQL of its own, writes the report, and leaves nothing behind', async () => {
    // A temporary directory of its own, to see the embedded database removed from it afterwards; reachable by the
    // system user the database runs as when the tests run as root.
    const tmp = mkdtempSync(join(work, 'tmp-'));
    chmodSync(work, 0o755);
    chmodSync(tmp, 0o777);
    const out = join(work, 'report');
    const run = await backtest(['--bot', DCA, '--csv', BINANCE_1M, '--from', '2023-03-01T18:00', '--to', '2023-03-01T23:00', '--out', out], { TMPDIR: tmp });

    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('replayed 100% (300/300 steps');
    expect(run.stdout).toMatch(/deals 1 \(1 closed, 0 open, 0 canceled\)/);
    expect(run.stdout).toContain(join(out, 'report.html'));
    expect(readdirSync(tmp)).toEqual([]);

    const report: BacktestReport = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.range).toEqual({ from: '2023-03-01T18:00:00.000Z', to: '2023-03-01T23:00:00.000Z', step: '1m', steps: 300 });
    expect(report.deals).toMatchObject([{ status: 'closed', closeReason: 'take_profit', openedAt: '2023-03-01T20:00:00.000Z' }]);
    expect(report.deals[0].realizedPnl).toBeGreaterThan(0);
    expect(report.trades.map((t) => [t.leg, t.side])).toEqual([['base', 'buy'], ['take_profit', 'sell']]);
    expect(report.summary).toMatchObject({ winRate: 100, trades: 2, deals: { total: 1, closed: 1, open: 0, canceled: 0 } });
    expect(readEquitySvg(readFileSync(join(out, 'equity.svg'), 'utf8')).series).toEqual(report.equity.points);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<polyline data-series="equity"');
    expect(readFileSync(join(out, 'trades.csv'), 'utf8').split('\n')[0]).toBe('time,deal_id,leg,leg_index,side,type,liquidity,amount,price,value,fee');
  }, 300_000);

  it('refuses a bot the API would refuse, naming the field, with exit code 2 and before starting anything', async () => {
    const bot = JSON.parse(readFileSync(DCA, 'utf8'));
    const bad = join(work, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...bot, dca: { ...bot.dca, baseOrderSize: -5 }, leverage: 3 }));
    const run = await backtest(['--bot', bad, '--csv', BINANCE_1M]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('dca.baseOrderSize');
    expect(run.stderr).toContain('leverage');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('says what is wrong with the input, with exit code 2', async () => {
    const bot = JSON.parse(readFileSync(DCA, 'utf8'));
    const live = join(work, 'live.json');
    writeFileSync(live, JSON.stringify({ ...bot, exchange: 'binance' }));
    const notJson = join(work, 'not.json');
    writeFileSync(notJson, '{"name": ');
    const cases: [string[], string][] = [
      [['--bot', live, '--csv', BINANCE_1M], 'exchange: must be "paper"'],
      [['--bot', notJson, '--csv', BINANCE_1M], 'is not JSON'],
      [['--bot', DCA, '--csv', BINANCE_1M, '--symbol', 'ETH/USDT'], 'the bot trades BTC/USDT but --symbol says the candle file holds ETH/USDT'],
      [['--bot', DCA, '--csv', join(work, 'missing.csv')], 'cannot read candle file'],
      [['--bot', DCA, '--csv', BINANCE_1M, '--from', '2024-01-01'], 'nothing to replay'],
      [['--bot', DCA], '--csv is required'],
    ];
    for (const [args, message] of cases) {
      const run = await backtest(args);
      expect({ code: run.code, stderr: run.stderr }, args.join(' ')).toMatchObject({ code: 2, stderr: expect.stringContaining(message) });
    }
  });
});
