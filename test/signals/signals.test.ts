import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'pg';
import { ManualClock } from '../../src/clock/index.js';
import { EvaluationService } from '../../src/evaluator/index.js';
import { ExecutorTicker } from '../../src/executors/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { BINANCE_1M } from '../support/reference-market.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { settle } from '../flow/seed-scenario.js';

const NOW = Date.UTC(2023, 2, 2, 12);

describe('signals from outside (TradingView-style alerts)', () => {
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;
  let bot: any;
  let secret: string;
  const clock = new ManualClock(NOW);

  beforeAll(async () => {
    database = await createTestDatabase('signals');
    app = await startTestApp({ DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'csv', MARKET_DATA_CSV: `BTC/USDT@1m=${BINANCE_1M}`, PAPER_SLIPPAGE: '0', RELAY_INTERVAL_MS: '50' }, clock);
    db = await connect(database.url);
    bot = (await app.http('POST', '/bots', {
      name: 'alerts', type: 'dca', exchange: 'paper', symbol: 'BTC/USDT', dca: { baseOrderSize: 30 },
      conditions: [{ timeframe: '1h', indicator: 'rsi', operator: 'lt', value: 1 }],
    })).body;
    const enabled = await app.http('POST', `/bots/${bot.id}/signal-secret`, { maxLag: 60 });
    expect(enabled.status).toBe(201);
    secret = enabled.body.secret;
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
  });

  const deals = async () => (await db.query(`SELECT status, close_reason FROM deals WHERE bot_id = $1 ORDER BY opened_at`, [bot.id])).rows;
  const send = (body: object, headers?: string) => app.http('POST', `/signals/${bot.id}`, headers ? { ...body } : { secret, ...body });

  it('refuses a wrong secret and an unknown bot alike', async () => {
    expect((await app.http('POST', `/signals/${bot.id}`, { action: 'buy', secret: 'nope' })).status).toBe(401);
    expect((await app.http('POST', '/signals/00000000-0000-4000-8000-00000000dead', { action: 'buy', secret })).status).toBe(401);
    expect((await send({ action: 'moon' })).status).toBe(400);
  });

  it('opens a deal on a buy alert through the notifier, exactly once however often it is sent', async () => {
    const first = await send({ action: 'buy', id: 'alert-1', price: 23_000 });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ accepted: true, duplicate: false });
    const again = await send({ action: 'buy', id: 'alert-1', price: 23_000 });
    expect(again.body).toMatchObject({ accepted: true, duplicate: true, triggerId: first.body.triggerId });
    await settle(app, db);
    await app.get(ExecutorTicker).settle();
    expect(await deals()).toEqual([{ status: 'open', close_reason: null }]);
    const delivery = (await db.query(`SELECT role, outcome FROM deliveries WHERE trigger_id = $1`, [first.body.triggerId])).rows;
    expect(delivery).toEqual([{ role: 'signal_entry', outcome: 'executed' }]);
  });

  it('drops an alert older than the bot\'s maxLag', async () => {
    const stale = await send({ action: 'buy', id: 'alert-old', time: NOW - 120_000 });
    expect(stale.body).toMatchObject({ accepted: false });
    expect(stale.body.reason).toContain('60 s');
  });

  it('closes the deal on an exit alert, with the secret in a header', async () => {
    const exit = await app.http('POST', `/signals/${bot.id}`, { action: 'sell', id: 'alert-2' });
    expect(exit.status).toBe(401);
    const response = await fetch(`${app.baseUrl}/signals/${bot.id}`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-signal-secret': secret }, body: JSON.stringify({ action: 'sell', id: 'alert-2' }),
    });
    expect(response.status).toBe(202);
    await settle(app, db);
    for (let i = 0; i < 3; i++) {
      await app.get(ExecutorTicker).tick();
      await app.get(ExecutorTicker).settle();
    }
    expect(await deals()).toEqual([{ status: 'closed', close_reason: 'exit_signal' }]);
  });

  it('never evaluates signal conditions', async () => {
    clock.set(NOW + 6 * 3_600_000);
    await app.get(EvaluationService).tick();
    const evaluated = (await db.query(`SELECT count(*)::int AS n FROM condition_evaluations e JOIN conditions c ON c.id = e.condition_id WHERE c.definition->>'kind' = 'signal'`)).rows[0].n;
    expect(evaluated).toBe(0);
  });
});
