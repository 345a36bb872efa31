import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'pg';
import { ManualClock } from '../../src/clock/index.js';
import { EvaluationService } from '../../src/evaluator/index.js';
import { CsvMarketData, parseCsvSpec } from '../../src/market-data/csv.market-data.js';
import { MarketDataSource, type Candle, type SeriesRef } from '../../src/market-data/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { BINANCE_1M } from '../support/reference-market.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ORIGIN = Date.UTC(2023, 2, 1);
const MINUTE = 60_000;

/** The csv source, counting fetches per series. */
class CountingMarketData extends CsvMarketData {
  readonly fetches = new Map<string, number>();
  override async fetchClosedCandles(series: SeriesRef, since: number, asOf: number, limit: number): Promise<Candle[]> {
    const key = `${series.symbol}@${series.timeframe}`;
    this.fetches.set(key, (this.fetches.get(key) ?? 0) + 1);
    return super.fetchClosedCandles(series, since, asOf, limit);
  }
}

describe('the evaluator', () => {
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;
  const clock = new ManualClock(ORIGIN);
  const market = new CountingMarketData(parseCsvSpec(`BTC/USDT@1m=${BINANCE_1M}`));

  beforeAll(async () => {
    database = await createTestDatabase('evaluator');
    app = await startTestApp({ DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'csv', MARKET_DATA_CSV: `BTC/USDT@1m=${BINANCE_1M}` }, clock, [
      { provide: MarketDataSource, useValue: market },
    ]);
    db = await connect(database.url);
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
  });

  const evaluatedCandles = async () =>
    (await db.query(`SELECT DISTINCT candle_open_time FROM condition_evaluations ORDER BY 1`)).rows.map((r) => r.candle_open_time.getTime());

  it('evaluates a candle only once it has closed, never the forming one, and never twice', async () => {
    const body = (operator: string, value: number) => ({
      name: 'x', type: 'dca', exchange: 'paper', symbol: 'BTC/USDT', dca: { baseOrderSize: 10 },
      conditions: [{ timeframe: '15m', indicator: 'price', operator, value }],
    });
    for (const [operator, value] of [['gt', 1], ['lt', 1], ['gt', 2]] as const) expect((await app.http('POST', '/bots', body(operator, value))).status).toBe(201);
    const evaluation = app.get(EvaluationService);

    clock.set(ORIGIN + 15 * MINUTE - 1);
    await evaluation.tick();
    expect(await evaluatedCandles()).toEqual([]);

    clock.set(ORIGIN + 15 * MINUTE);
    await evaluation.tick();
    expect(await evaluatedCandles()).toEqual([ORIGIN]);

    clock.set(ORIGIN + 30 * MINUTE - 1);
    const again = await evaluation.tick();
    expect(again.evaluations).toBe(0);
    expect(await evaluatedCandles()).toEqual([ORIGIN]);

    clock.set(ORIGIN + 60 * MINUTE);
    await evaluation.tick();
    expect(await evaluatedCandles()).toEqual([ORIGIN, ORIGIN + 15 * MINUTE, ORIGIN + 30 * MINUTE, ORIGIN + 45 * MINUTE]);
    const perCondition = (await db.query(`SELECT count(*)::int AS n FROM condition_evaluations GROUP BY condition_id`)).rows.map((r) => r.n);
    expect(perCondition).toEqual([4, 4, 4]);
  });

  it('fetches each series once per tick, however many conditions and bots share it', async () => {
    for (let i = 0; i < 5; i++) {
      await app.http('POST', '/bots', {
        name: `more ${i}`, type: 'dca', exchange: 'paper', symbol: 'BTC/USDT', dca: { baseOrderSize: 10 },
        conditions: [{ timeframe: '15m', indicator: 'rsi', operator: 'lt', value: 30 + i }, { timeframe: '1h', indicator: 'ema', params: { period: 9 }, operator: 'crosses_above', value: { indicator: 'ema', params: { period: 21 } } }],
      });
    }
    market.fetches.clear();
    for (let tick = 1; tick <= 3; tick++) {
      clock.set(ORIGIN + (60 + tick * 15) * MINUTE);
      await app.get(EvaluationService).tick();
    }
    expect(Object.fromEntries(market.fetches)).toEqual({ 'BTC/USDT@15m': 3, 'BTC/USDT@1h': 3 });
  });
});
