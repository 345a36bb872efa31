import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { EvaluationService } from '../../src/evaluator/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { BINANCE_1M } from '../support/reference-market.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ORIGIN = Date.UTC(2023, 2, 1);
const MINUTE = 60_000;

/**
 * `GET /conditions/:id` is answered from memory for a second; in the process that made a change, the next answer
 * already shows it: subscribers that came or went, and the evaluation the evaluator just recorded.
 */
describe('condition answers read the writes of their own process', () => {
  let database: TestDatabase;
  let app: TestApp;
  const clock = new ManualClock(ORIGIN);
  const bot = (value: number) => ({
    name: 'x', type: 'dca', exchange: 'paper', symbol: 'BTC/USDT', dca: { baseOrderSize: 10 },
    conditions: [{ timeframe: '15m', indicator: 'price', operator: 'gt', value }],
  });

  beforeAll(async () => {
    database = await createTestDatabase('condition_answers');
    app = await startTestApp({ DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'csv', MARKET_DATA_CSV: `BTC/USDT@1m=${BINANCE_1M}` }, clock);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const condition = async (id: string) => (await app.http('GET', `/conditions/${id}`)).body;

  it('shows a new subscriber, a deleted one, and a new evaluation at once', async () => {
    const first = (await app.http('POST', '/bots', bot(1))).body;
    const id = first.conditions[0].id;
    expect(await condition(id)).toMatchObject({ subscribers: 1, lastEvaluation: null });

    const second = (await app.http('POST', '/bots', bot(1))).body;
    expect(second.conditions[0].id).toBe(id);
    expect((await condition(id)).subscribers).toBe(2);

    expect((await app.http('DELETE', `/bots/${second.id}`)).status).toBe(204);
    expect((await condition(id)).subscribers).toBe(1);

    clock.set(ORIGIN + 15 * MINUTE);
    await app.get(EvaluationService).tick();
    expect((await condition(id)).lastEvaluation).toMatchObject({ candleOpenTime: new Date(ORIGIN).toISOString(), state: true });
  });
});
