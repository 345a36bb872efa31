import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import type { OrderRequest } from '../../src/exchange/exchange.port.js';
import type { PaperOptions } from '../../src/exchange/paper/paper-exchange.js';
import { CsvMarketData, parseCsvSpec } from '../../src/market-data/csv.market-data.js';
import { PaperExchangeV21764000000002 } from '../../migrations/1764000000002-PaperExchangeV2.js';
import { PaperFixture } from '../support/paper-fixture.js';
import { BINANCE_1M } from '../support/reference-market.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2023, 2, 10); // BTC/USDT closed at 20368.79 the minute before
const OPTIONS: PaperOptions = { makerFee: 0.001, takerFee: 0.001, slippage: 0, volumeShare: 0.1, priceExchange: 'paper' };
const market = new CsvMarketData(parseCsvSpec(`BTC/USDT@1m=${BINANCE_1M},BTC/USD@1h=../shared/data/kraken_xbtusd_1h_2023q1.csv`));

let paper: PaperFixture;
let db: DataSource;

beforeAll(async () => {
  paper = await PaperFixture.open('paper_funds', market, OPTIONS);
  db = paper.db;
});

afterAll(() => paper?.close());

/** A fresh paper account with its own balances and a clock at `now`. */
const account = (balances: Record<string, number>, now = T0) => paper.account(balances, now);

const order = (clientOrderId: string, over: Partial<OrderRequest>): OrderRequest => ({ clientOrderId, symbol: 'BTC/USDT', side: 'buy', type: 'market', decidedAt: T0, ...over });

describe('paper exchange funds and rules', () => {
  it('refuses what the account cannot pay, counting funds reserved by open orders; a refused order does not exist', async () => {
    const { exchange } = await account({ USDT: 1000 });
    await exchange.createOrder(order('f-rest', { type: 'limit', amount: 0.04, price: 20_000 }));
    expect((await exchange.fetchBalance()).USDT).toEqual({ free: 199.2, used: 800.8, total: 1000 });
    await expect(exchange.createOrder(order('f-market', { amount: 0.01 }))).rejects.toMatchObject({ reason: 'insufficient_funds' });
    await expect(exchange.createOrder(order('f-limit', { type: 'limit', amount: 0.01, price: 20_000 }))).rejects.toMatchObject({ reason: 'insufficient_funds' });
    await expect(exchange.createOrder(order('f-sell', { side: 'sell', amount: 0.001 }))).rejects.toMatchObject({ reason: 'insufficient_funds' });
    expect(await exchange.fetchOrder('BTC/USDT', 'f-market')).toBeNull();
    await exchange.cancelOrder('BTC/USDT', 'f-rest');
    expect((await exchange.createOrder(order('f-market', { amount: 0.01 }))).status).toBe('filled');
  });

  it('answers a known client order id with the existing order and changes nothing', async () => {
    const { exchange } = await account({ USDT: 1000 });
    const first = await exchange.createOrder(order('i-1', { amount: 0.01 }));
    const before = await exchange.fetchBalance();
    const again = await exchange.createOrder(order('i-1', { amount: 0.02, side: 'sell' }));
    expect(again).toEqual(first);
    expect(await exchange.fetchBalance()).toEqual(before);
    const concurrent = await Promise.all([1, 2, 3, 4].map(() => exchange.createOrder(order('i-2', { type: 'limit', amount: 0.01, price: 20_000 }))));
    expect(new Set(concurrent.map((o) => o.exchangeOrderId)).size).toBe(1);
    expect((await exchange.fetchBalance()).USDT.used).toBeCloseTo(200.2, 10);
  });

  it('lets concurrent orders on one account spend the balance once', async () => {
    const { exchange } = await account({ USDT: 700 });
    const results = await Promise.allSettled([...Array(10)].map((_, i) => exchange.createOrder(order(`cc-${i}`, { amount: 0.01 }))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ reason: 'insufficient_funds' });
    expect((await exchange.fetchBalance()).USDT.free).toBeGreaterThanOrEqual(0);
  });

  it('applies each candle once when several callers look at the same time', async () => {
    const { exchange, clock } = await account({ USDT: 10_000 });
    await exchange.createOrder(order('a-1', { type: 'limit', amount: 0.1, price: 20_340 }));
    clock.set(T0 + 30 * MINUTE);
    await Promise.all([...Array(6)].map(() => exchange.fetchBalance()));
    const [{ count, total }] = await db.query(
      `SELECT count(*)::int AS count, sum(f.amount)::float8 AS total FROM paper_fills f JOIN paper_orders o ON o.id = f.order_id WHERE o.client_order_id = 'a-1'`,
    );
    const [{ dupes }] = await db.query(`SELECT count(*) - count(DISTINCT (order_id, candle_open_time)) AS dupes FROM paper_fills`);
    expect(Number(dupes)).toBe(0);
    expect(total).toBe((await exchange.fetchOrder('BTC/USDT', 'a-1'))!.filled);
    expect(count).toBeGreaterThan(0);
  });

  it('takes steps and minimums from marketRules, refusing what a live venue would refuse', async () => {
    const { exchange } = await account({ USDT: 10_000 });
    const rules = await exchange.marketRules('BTC/USDT');
    expect(rules).toMatchObject({ amountStep: 0.00001, priceStep: 0.01, minAmount: 0.00001, minCost: 5 });
    const refuse = (over: Partial<OrderRequest>) => exchange.createOrder(order(`r-${JSON.stringify(over)}`, over));
    await expect(refuse({ amount: rules.amountStep * 1.5 })).rejects.toMatchObject({ reason: 'invalid_order' });
    await expect(refuse({ type: 'limit', amount: 0.001, price: 20_000.005 })).rejects.toMatchObject({ reason: 'invalid_order' });
    await expect(refuse({ type: 'limit', amount: 0.001 })).rejects.toMatchObject({ reason: 'invalid_order' });
    await expect(refuse({ amount: 0.0002 })).rejects.toMatchObject({ reason: 'below_minimum' }); // ≈ 4 USDT < 5
    await expect(refuse({ quoteAmount: 4 })).rejects.toMatchObject({ reason: 'below_minimum' });
    await expect(refuse({ symbol: 'BTCUSDT', amount: 1 })).rejects.toMatchObject({ reason: 'unknown_market' });
    await expect(refuse({ symbol: 'ETH/USDT', amount: 1 })).rejects.toMatchObject({ reason: 'no_price' });
    expect((await exchange.createOrder(order('r-ok', { amount: 0.00025 }))).status).toBe('filled');
  });

  it('fills a limit that is marketable on arrival at once, as taker, never beyond its limit', async () => {
    const { exchange } = await account({ USDT: 10_000 });
    const placed = await exchange.createOrder(order('t-1', { type: 'limit', amount: 0.01, price: 21_000 }));
    expect(placed).toMatchObject({ status: 'filled', type: 'limit', price: 21_000, average: 20_368.79 });
    const [fill] = await db.query(`SELECT liquidity FROM paper_fills f JOIN paper_orders o ON o.id = f.order_id WHERE o.client_order_id = 't-1'`);
    expect(fill.liquidity).toBe('taker');
  });

  it('matches on the finest candles a csv source has: 1h for a market served from an hourly file', async () => {
    const start = Date.UTC(2023, 0, 10); // Kraken BTC/USD closed at 17181.8; the 02:00 candle's low is 17150.4
    const { exchange, clock } = await account({ USD: 100_000 }, start);
    await exchange.createOrder({ clientOrderId: 'k-1', symbol: 'BTC/USD', side: 'buy', type: 'limit', amount: 0.5, price: 17_160, decidedAt: start });
    clock.set(Date.UTC(2023, 0, 11));
    expect(await exchange.fetchOrder('BTC/USD', 'k-1')).toMatchObject({ status: 'filled', average: 17_160 });
    const fills = await db.query(`SELECT candle_open_time FROM paper_fills f JOIN paper_orders o ON o.id = f.order_id WHERE o.client_order_id = 'k-1'`);
    expect(fills).toEqual([{ candle_open_time: new Date(Date.UTC(2023, 0, 10, 2)) }]);
  });

  it('has a migration that goes down and up again', async () => {
    const runner = db.createQueryRunner();
    await runner.startTransaction();
    try {
      await new PaperExchangeV21764000000002().down(runner);
      expect(await runner.hasTable('paper_fills')).toBe(false);
      await new PaperExchangeV21764000000002().up(runner);
      expect(await runner.hasColumn('paper_orders', 'checked_until')).toBe(true);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
