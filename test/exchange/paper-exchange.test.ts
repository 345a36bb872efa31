import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { OrderRejected } from '../../src/exchange/exchange.port.js';
import type { PaperOptions } from '../../src/exchange/paper/paper-exchange.js';
import { CsvMarketData, parseCsvSpec } from '../../src/market-data/csv.market-data.js';
import { PaperFixture } from '../support/paper-fixture.js';
import { BINANCE_1M, readBinance1m, type RefCandle } from '../support/reference-market.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2023, 2, 10); // 2023-03-10 00:00 UTC: the price falls in the following minutes.
const OPTIONS: PaperOptions = { makerFee: 0.0005, takerFee: 0.001, slippage: 0.0005, volumeShare: 0.1, priceExchange: 'paper' };
const market = new CsvMarketData(parseCsvSpec(`BTC/USDT@1m=${BINANCE_1M}`));
// The candles read again by the tests' own parser, to check the exchange's fills against the file.
const ref: RefCandle[] = readBinance1m();
const closeBefore = (time: number) => ref.find((c) => c.openTime === time - MINUTE)!.close;
const ticks = (price: number) => Math.round(price * 100) / 100;

let paper: PaperFixture;
let db: DataSource;

beforeAll(async () => {
  paper = await PaperFixture.open('paper_exchange', market, OPTIONS);
  db = paper.db;
});

afterAll(() => paper?.close());

/** A fresh paper account with its own balances and a clock at `now`. */
const account = (balances: Record<string, number>, now = T0) => paper.account(balances, now);

const fillsOf = async (clientOrderId: string) =>
  (await db.query(
    `SELECT f.candle_open_time, f.liquidity, f.amount::float8, f.price::float8, f.fee::float8 FROM paper_fills f JOIN paper_orders o ON o.id = f.order_id
     WHERE o.client_order_id = $1 ORDER BY f.id`,
    [clientOrderId],
  )) as { candle_open_time: Date | null; liquidity: string; amount: number; price: number; fee: number }[];

const limitBuy = (clientOrderId: string, amount: number, price: number, decidedAt = T0) =>
  ({ clientOrderId, symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount, price, decidedAt }) as const;

describe('paper exchange on real candles', () => {
  it('fills a market order at the close before the decision, moved by the slippage, with the taker fee', async () => {
    const { exchange } = await account({ USDT: 10_000, BTC: 0.1 });
    const close = closeBefore(T0);
    const buy = await exchange.createOrder({ clientOrderId: 'm-buy', symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 0.01, decidedAt: T0 });
    const buyPrice = Math.ceil(close * 1.0005 * 100 - 1e-6) / 100; // to the tick, against the buyer
    expect(buy).toMatchObject({ status: 'filled', type: 'market', filled: 0.01, amount: 0.01, average: buyPrice, feeCurrency: 'USDT' });
    expect(buy.fee).toBeCloseTo(0.01 * buyPrice * 0.001, 10);
    const sell = await exchange.createOrder({ clientOrderId: 'm-sell', symbol: 'BTC/USDT', side: 'sell', type: 'market', amount: 0.05, decidedAt: T0 });
    const sellPrice = Math.floor(close * 0.9995 * 100 + 1e-6) / 100;
    expect(sell.average).toBe(sellPrice);
    const byQuote = await exchange.createOrder({ clientOrderId: 'm-quote', symbol: 'BTC/USDT', side: 'buy', type: 'market', quoteAmount: 100, decidedAt: T0 });
    expect(byQuote.filled).toBe(Math.floor((100 / buyPrice) * 1e5) / 1e5);
    const balance = await exchange.fetchBalance();
    expect(balance.BTC.total).toBeCloseTo(0.1 + 0.01 - 0.05 + byQuote.filled, 10);
    const spent = (0.01 + byQuote.filled) * buyPrice * 1.001 - 0.05 * sellPrice * 0.999;
    expect(balance.USDT).toMatchObject({ used: 0 });
    expect(balance.USDT.free).toBeCloseTo(10_000 - spent, 8);
    expect((await fillsOf('m-buy'))[0]).toMatchObject({ candle_open_time: null, liquidity: 'taker', price: buyPrice });
  });

  it('rests a limit buy below the market and fills it on the first later candle whose low reaches it, as maker', async () => {
    const { exchange, clock } = await account({ USDT: 1000 });
    const price = ticks(closeBefore(T0) * 0.995);
    const placed = await exchange.createOrder(limitBuy('l-rest', 0.01, price));
    expect(placed).toMatchObject({ status: 'open', filled: 0, price });
    const reserved = 0.01 * price * 1.0005;
    expect((await exchange.fetchBalance()).USDT.used).toBeCloseTo(reserved, 10);
    const crossing = ref.find((c) => c.openTime >= T0 && c.low <= price)!;
    clock.set(crossing.openTime + MINUTE - 1); // the crossing candle has not closed yet
    expect((await exchange.fetchOrder('BTC/USDT', 'l-rest'))!.status).toBe('open');
    clock.set(crossing.openTime + MINUTE);
    const filled = await exchange.fetchOrder('BTC/USDT', 'l-rest');
    expect(filled).toMatchObject({ status: 'filled', filled: 0.01, average: price });
    expect(await fillsOf('l-rest')).toEqual([
      { candle_open_time: new Date(crossing.openTime), liquidity: 'maker', amount: 0.01, price, fee: expect.closeTo(0.01 * price * 0.0005, 12) },
    ]);
    const balance = await exchange.fetchBalance();
    expect(balance.USDT).toMatchObject({ used: 0, free: expect.closeTo(1000 - reserved, 8) });
    expect(balance.BTC.free).toBe(0.01);
    expect(await exchange.fetchOpenOrders()).toEqual([]);
  });

  it('fills a large limit order partially over several candles, a volume share of each', async () => {
    const { exchange, clock } = await account({ USDT: 100_000 });
    const price = ticks(closeBefore(T0) * 0.99);
    await exchange.createOrder(limitBuy('l-big', 3, price));
    const expected: { openTime: number; amount: number }[] = [];
    let remaining = 300_000; // in lots of 0.00001
    for (const c of ref.filter((c) => c.openTime >= T0 && c.low <= price)) {
      const lots = Math.min(remaining, Math.floor(c.volume * 0.1 * 1e5 + 1e-6));
      if (lots > 0) expected.push({ openTime: c.openTime, amount: lots / 1e5 });
      remaining -= lots;
      if (remaining === 0) break;
    }
    expect(expected.length).toBeGreaterThan(2);
    clock.set(expected[0].openTime + MINUTE);
    expect(await exchange.fetchOrder('BTC/USDT', 'l-big')).toMatchObject({ status: 'partially_filled', filled: expected[0].amount });
    clock.set(expected.at(-1)!.openTime + MINUTE);
    expect(await exchange.fetchOrder('BTC/USDT', 'l-big')).toMatchObject({ status: 'filled', filled: 3, average: price });
    const fills = await fillsOf('l-big');
    expect(fills.map((f) => ({ openTime: f.candle_open_time!.getTime(), amount: f.amount }))).toEqual(expected);
    expect(fills.every((f) => f.price === price && Math.abs(f.fee - f.amount * price * 0.0005) < 1e-9)).toBe(true);
    expect((await exchange.fetchBalance()).USDT.used).toBe(0);
  });

  it('never fills a limit the market never reaches', async () => {
    const { exchange, clock } = await account({ USDT: 1000, BTC: 1 });
    await exchange.createOrder(limitBuy('l-low', 0.01, 10_000));
    await exchange.createOrder({ clientOrderId: 'l-high', symbol: 'BTC/USDT', side: 'sell', type: 'limit', amount: 0.01, price: 30_000, decidedAt: T0 });
    clock.set(ref.at(-1)!.openTime + MINUTE);
    const open = await exchange.fetchOpenOrders('BTC/USDT');
    expect(open.map((o) => [o.clientOrderId, o.status, o.filled]).sort()).toEqual([
      ['l-high', 'open', 0],
      ['l-low', 'open', 0],
    ]);
    expect(await fillsOf('l-low')).toEqual([]);
    const [{ checked_until }] = await db.query(`SELECT checked_until FROM paper_orders WHERE client_order_id = 'l-low'`);
    expect(checked_until.getTime()).toBe(ref.at(-1)!.openTime + MINUTE);
  });

  it('cancel gives back what the order still reserves, answers a closed order as it is, refuses an unknown one', async () => {
    const { exchange, clock } = await account({ USDT: 100_000 });
    const price = ticks(closeBefore(T0) * 0.99);
    await exchange.createOrder(limitBuy('c-part', 3, price));
    const firstCrossing = ref.find((c) => c.openTime >= T0 && c.low <= price)!;
    clock.set(firstCrossing.openTime + MINUTE);
    const canceled = await exchange.cancelOrder('BTC/USDT', 'c-part');
    expect(canceled.status).toBe('canceled');
    expect(canceled.filled).toBeGreaterThan(0);
    const balance = await exchange.fetchBalance();
    expect(balance.USDT).toMatchObject({ used: 0, free: expect.closeTo(100_000 - canceled.filled * price * 1.0005, 8) });
    clock.advance(60 * MINUTE);
    expect(await exchange.cancelOrder('BTC/USDT', 'c-part')).toEqual(canceled);
    expect(await fillsOf('c-part')).toHaveLength(1);
    await expect(exchange.cancelOrder('BTC/USDT', 'nope')).rejects.toMatchObject({ reason: 'invalid_order' });
    await expect(exchange.cancelOrder('ETH/USDT', 'c-part')).rejects.toBeInstanceOf(OrderRejected);
  });
});
