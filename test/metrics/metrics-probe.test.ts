import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { InProcessEventBus } from '../../src/event-bus/in-process.event-bus.js';
import { EventBus, type Topic } from '../../src/event-bus/index.js';
import { EvaluationService } from '../../src/evaluator/index.js';
import { MarketDataSource, type Candle, type SeriesRef } from '../../src/market-data/index.js';
import { Metrics } from '../../src/metrics/index.js';
import { TriggerRouter } from '../../src/notifier/index.js';
import { TriggerRelay } from '../../src/triggers/index.js';
import { connect, createTestDatabase, type TestDatabase } from '../support/database.js';
import { LEAKS } from '../support/fuzz-verdict.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';
import { scrape } from './exposition.js';

const LIMIT = 3;
const T0 = Date.UTC(2024, 0, 1, 12);

describe('GET /metrics is a probe: no token, no rate limit, one registry per app', () => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase('metrics_probe');
    app = await startTestApp({ DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'simulated', RATE_LIMIT_PER_MINUTE: String(LIMIT) });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('answers without a token, past the rate limit that refuses the same caller elsewhere, and counts error answers by code', async () => {
    const first = await fetch(`${app.baseUrl}/metrics`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);

    // Without a token the caller's IP is the key: its budget goes on 401s, then 429.
    const refused = [];
    for (let i = 0; i <= LIMIT; i++) refused.push((await fetch(`${app.baseUrl}/conditions`)).status);
    expect(refused).toEqual([...Array(LIMIT).fill(401), 429]);
    expect((await app.http('GET', `/bots/${randomUUID()}`)).status).toBe(404);

    for (let i = 0; i < 5 * LIMIT; i++) expect((await fetch(`${app.baseUrl}/metrics`)).status).toBe(200);
    const metrics = await scrape(app.baseUrl);
    expect(metrics.value('tbo_http_errors_total', { status: '401', code: 'UNAUTHORIZED' })).toBe(LIMIT);
    expect(metrics.value('tbo_http_errors_total', { status: '429', code: 'TOO_MANY_REQUESTS' })).toBe(1);
    expect(metrics.value('tbo_http_errors_total', { status: '404', code: 'BOT_NOT_FOUND' })).toBe(1);
    expect(metrics.all('tbo_http_errors_total').map((sample) => sample.labels.status).sort()).toEqual(['401', '404', '429']);
    expect(metrics.all('tbo_errors_total'), 'no crash').toEqual([]);
    // Public, so held to what any answer may show: no stack frames, paths or internals.
    expect(LEAKS.filter((pattern) => pattern.test(metrics.text))).toEqual([]);
  });
});

/** A feed that is down: every tick fails. */
class FeedDown extends Error {}
class DownMarketData extends MarketDataSource {
  readonly kind = 'down';
  fetchClosedCandles(_series: SeriesRef, _since: number, _asOf: number, _limit: number): Promise<Candle[]> {
    return Promise.reject(new FeedDown('market data unreachable'));
  }
  lastPrice(): Promise<number | undefined> {
    return Promise.resolve(undefined);
  }
  replayOrigin(): number | undefined {
    return undefined;
  }
}

/** A bus whose stats never answer (a hung Redis), while messages still flow. */
class HungStatsBus extends InProcessEventBus {
  override stats(_topic: Topic, _group: string): Promise<{ pending: number; lag: number }> {
    return new Promise(() => undefined);
  }
}

class RouterDown extends Error {}

describe('GET /metrics counts failures, and answers when a collector hangs', () => {
  let database: TestDatabase;
  let db: Client;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase('metrics_failures');
    app = await startTestApp({ DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'simulated' }, new ManualClock(T0), [
      { provide: MarketDataSource, useValue: new DownMarketData() },
      { provide: EventBus, useValue: new HungStatsBus({ maxDeliveries: 2, retryDelayMs: 10 }) },
      { provide: TriggerRouter, useValue: { route: () => Promise.reject(new RouterDown('no route today')) } },
    ]);
    db = await connect(database.url);
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
  });

  it('counts a failed tick and a failed delivery by error class, and leaves out the gauges it could not read', async () => {
    const bot = await app.http('POST', '/bots', {
      name: 'b', type: 'dca', exchange: 'paper', symbol: 'BTC/USDT', conditions: [{ timeframe: '15m', indicator: 'rsi', operator: 'lt', value: 30 }], dca: { baseOrderSize: 50 },
    });
    expect(bot.status, JSON.stringify(bot.body)).toBe(201);
    await expect(app.get(EvaluationService).tick()).rejects.toBeInstanceOf(FeedDown);

    await db.query(`INSERT INTO triggers (id, condition_id, candle_open_time, candle_close_time, "values") VALUES ($1, $2, $3, $4, '{}')`, [
      randomUUID(), bot.body.conditions[0].id, new Date(T0 - 30 * 60_000), new Date(T0 - 15 * 60_000),
    ]);
    await app.get(TriggerRelay).drain();
    const metrics = app.get(Metrics);
    await waitFor(async () => (await metrics.deliveries.get()).values.some((v) => v.labels.outcome === 'failed' && v.value === 2), 5_000, 'delivered twice, failed twice');

    const started = Date.now();
    const scraped = await scrape(app.baseUrl);
    expect(Date.now() - started, 'the hung collector is cut off').toBeLessThan(3_000);
    expect(scraped.value('tbo_evaluator_ticks_total', { outcome: 'failed' })).toBe(1);
    expect(scraped.value('tbo_evaluator_tick_duration_seconds_count', { outcome: 'failed' })).toBe(1);
    expect(scraped.value('tbo_errors_total', { component: 'evaluator', type: 'FeedDown' })).toBe(1);
    expect(scraped.value('tbo_trigger_deliveries_total', { outcome: 'failed' })).toBe(2);
    expect(scraped.value('tbo_trigger_redeliveries_total')).toBe(1);
    expect(scraped.value('tbo_trigger_deliveries_total', { outcome: 'handled' })).toBe(0);
    expect(scraped.value('tbo_notifier_handler_duration_seconds_count', { outcome: 'failed' })).toBe(2);
    expect(scraped.value('tbo_errors_total', { component: 'notifier', type: 'RouterDown' })).toBe(2);
    expect(scraped.value('tbo_executions_total', { outcome: 'executed' })).toBe(0);
    expect(scraped.find('tbo_trigger_delivery_latency_seconds_count')).toBe(0);

    expect(scraped.find('tbo_scrape_collector_up', { collector: 'event_bus' })).toBe(0);
    expect(scraped.all('tbo_bus_lag_messages')).toEqual([]);
    expect(scraped.all('tbo_bus_pending_messages')).toEqual([]);
    expect(scraped.find('tbo_scrape_collector_up', { collector: 'orders' })).toBe(1);
    expect(scraped.find('tbo_orders', { status: 'filled' })).toBe(0);
  });
});
