import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'pg';
import { ReplayDriver, runBacktest, type BacktestReport, type BacktestResult, type DealRecord } from '../../src/backtest/index.js';
import { ManualClock } from '../../src/clock/index.js';
import { connect, createTestDatabase, TEST_PG_URL, type TestDatabase } from '../support/database.js';
import { deleteKeysUnder, REDIS_URL, uniqueKeyPrefix } from '../support/redis.js';
import { BINANCE_1M } from '../support/reference-market.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { readEquitySvg } from './equity-svg-reader.js';

const MINUTE = 60_000;
/** 42 hours of 1m candles: two DCA deals closed by take profit after a safety order, and several trend round trips. */
const FROM = Date.UTC(2023, 2, 18, 12);
const TO = Date.UTC(2023, 2, 20, 6);
const BOTS = { dca: 'test/backtest/bots/dca-rsi.json', trend: 'test/backtest/bots/trend-ema.json' };

/** A deal as both sides are compared: everything but ids and the duration, and the timeline's moments and kinds. */
type ComparedDeal = Omit<DealRecord, 'id' | 'durationSeconds' | 'timeline'> & { timeline: [string, string][] };

describe('a backtest gives the deals of a replay of the same candles through the running service', () => {
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;
  const prefix = uniqueKeyPrefix('backtest_vs_service');
  const out = mkdtempSync(join(tmpdir(), 'backtest-report-'));

  beforeAll(async () => {
    database = await createTestDatabase('backtest_vs_service');
    db = await connect(database.url);
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
    await deleteKeysUnder(prefix);
    rmSync(out, { recursive: true, force: true });
  });

  /** The service as deployed (real Postgres, Redis bus, HTTP API), its bots created over HTTP, driven by the shared replay loop. */
  async function replayThroughService(): Promise<Record<keyof typeof BOTS, string>> {
    const clock = new ManualClock(FROM);
    app = await startTestApp({
      DATABASE_URL: database.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      MARKET_DATA_SOURCE: 'csv',
      MARKET_DATA_CSV: `BTC/USDT@1m=${BINANCE_1M}`,
      // The replay driver runs the reconciler at a fixed point of every step, as the backtest does; the service's own
      // timer would run it at arbitrary points of a step too (the cron is off for the same reason).
      RECONCILE_INTERVAL_MS: '2147483647',
    }, clock);
    const ids = {} as Record<keyof typeof BOTS, string>;
    for (const [name, file] of Object.entries(BOTS) as [keyof typeof BOTS, string][]) {
      const created = await app.http('POST', '/bots', JSON.parse(readFileSync(file, 'utf8')));
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      ids[name] = created.body.id;
    }
    await new ReplayDriver(app, clock, { stepMs: MINUTE }).run(FROM, TO);
    return ids;
  }

  const backtest = (name: keyof typeof BOTS) =>
    runBacktest({ botFile: BOTS[name], csvFile: BINANCE_1M, from: FROM, to: TO, outDir: join(out, name), databaseUrl: TEST_PG_URL, env: {} });

  it('opens and closes the same deals at the same times and prices, with the same fills, and charts its equity', async () => {
    const [dca, trend, serviceBots] = await Promise.all([backtest('dca'), backtest('trend'), replayThroughService()]);

    for (const [name, result] of [['dca', dca], ['trend', trend]] as const) {
      expect(result.report.deals.length, name).toBeGreaterThan(1);
      expect(compared(result.report), name).toEqual(await serviceDeals(db, serviceBots[name]));
      expect(tradesOf(result.report), name).toEqual(await serviceTrades(db, serviceBots[name]));
      checkReport(result);
    }
    expect(dca.report.deals.filter((d) => d.closeReason === 'take_profit' && d.safetyOrdersFilled > 0).length).toBeGreaterThan(0);
    expect(trend.report.deals.filter((d) => d.closeReason === 'exit_signal').length).toBeGreaterThan(1);
  }, 900_000);
});

function compared(report: BacktestReport): ComparedDeal[] {
  return report.deals.map(({ id: _id, durationSeconds: _d, timeline, ...deal }) => ({ ...deal, timeline: timeline.map((e) => [e.at, e.type] as [string, string]) }));
}

function tradesOf(report: BacktestReport) {
  return report.trades.map((t) => [t.time, t.leg, t.legIndex, t.side, t.type, t.liquidity, t.amount, t.price, t.fee]);
}

/** The service's deals read straight from its database, with SQL of this test's own. */
async function serviceDeals(db: Client, botId: string): Promise<ComparedDeal[]> {
  const rows = (await db.query(
    `SELECT id, status, direction, opened_at, closed_at, close_reason, average_entry, entry_amount, entry_value, exit_amount, exit_value,
            exit_value / NULLIF(exit_amount, 0) AS exit_price, realized_pnl, fees, safety_orders_filled
     FROM deals WHERE bot_id = $1 ORDER BY opened_at, id`, [botId],
  )).rows;
  const events = (await db.query(`SELECT deal_id, at, type FROM deal_events ORDER BY at, id`)).rows;
  const number = (value: string | null) => (value === null ? null : Number(value));
  return rows.map((row) => ({
    status: row.status,
    direction: row.direction,
    openedAt: row.opened_at.toISOString(),
    closedAt: row.closed_at?.toISOString() ?? null,
    closeReason: row.close_reason,
    entryPrice: number(row.average_entry),
    exitPrice: number(row.exit_price),
    entryAmount: Number(row.entry_amount),
    entryValue: Number(row.entry_value),
    exitAmount: Number(row.exit_amount),
    exitValue: Number(row.exit_value),
    realizedPnl: Number(row.realized_pnl),
    fees: Number(row.fees),
    safetyOrdersFilled: row.safety_orders_filled,
    timeline: events.filter((e) => e.deal_id === row.id).map((e) => [e.at.toISOString(), e.type] as [string, string]),
  }));
}

async function serviceTrades(db: Client, botId: string) {
  const rows = (await db.query(
    `SELECT o.leg, o.leg_index, o.side, o.type, f.filled_at, f.liquidity, f.amount, f.price, f.fee
     FROM paper_fills f JOIN paper_orders p ON p.id = f.order_id JOIN orders o ON o.client_order_id = p.client_order_id
     WHERE o.bot_id = $1 ORDER BY f.filled_at, f.id`, [botId],
  )).rows;
  return rows.map((r) => [r.filled_at.toISOString(), r.leg, r.leg_index, r.side, r.type, r.liquidity, Number(r.amount), Number(r.price), Number(r.fee)]);
}

/** The files say what the returned report says, its figures add up, and the chart draws the report's equity series. */
function checkReport({ report, files }: BacktestResult): void {
  expect(JSON.parse(readFileSync(files.json, 'utf8'))).toEqual(report);
  const s = report.summary;
  const closed = report.deals.filter((d) => d.status === 'closed');
  expect(s.deals.total).toBe(report.deals.length);
  expect(s.deals.closed).toBe(closed.length);
  expect(s.realizedPnl).toBeCloseTo(report.deals.reduce((sum, d) => sum + d.realizedPnl, 0), 6);
  expect(s.fees).toBeCloseTo(report.deals.reduce((sum, d) => sum + d.fees, 0), 6);
  expect(s.winRate).toBeCloseTo((100 * closed.filter((d) => d.realizedPnl > 0).length) / closed.length, 6);
  expect(s.trades).toBe(report.trades.length);
  expect(s.finalEquity).toBeCloseTo(s.initialEquity + s.realizedPnl + s.unrealizedPnl, 6);
  expect(s.totalPnl).toBeCloseTo(s.finalEquity - s.initialEquity, 6);

  // One mark before the first step and one after each; short enough to be kept whole.
  expect(report.equity.marks).toBe(report.range.steps + 1);
  expect(report.equity.points).toHaveLength(report.equity.marks);
  expect(report.equity.points[0]).toEqual([FROM, s.initialEquity]);
  expect(report.equity.points.at(-1)).toEqual([TO, s.finalEquity]);
  let peak = -Infinity;
  let drawdown = 0;
  for (const [, equity] of report.equity.points) {
    peak = Math.max(peak, equity);
    drawdown = Math.min(drawdown, equity - peak);
  }
  expect(s.maxDrawdown.amount).toBeCloseTo(drawdown, 6);
  expect(drawdown).toBeLessThan(0);

  const svg = readFileSync(files.svg, 'utf8');
  const chart = readEquitySvg(svg);
  expect(chart.series).toEqual(report.equity.points);
  expect(chart.drawn).toHaveLength(report.equity.points.length);
  chart.drawn.forEach(([time, equity], i) => {
    expect(Math.abs(time - report.equity.points[i][0])).toBeLessThanOrEqual(chart.scale.timePerPixel);
    expect(Math.abs(equity - report.equity.points[i][1])).toBeLessThanOrEqual(chart.scale.equityPerPixel);
  });
  expect(readFileSync(files.html, 'utf8')).toContain(svg.trim());
  expect(readFileSync(files.trades, 'utf8').trim().split('\n')).toHaveLength(report.trades.length + 1);
  expect(readFileSync(files.deals, 'utf8').trim().split('\n')).toHaveLength(report.deals.length + 1);
}
