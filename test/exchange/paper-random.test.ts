import { afterAll, beforeAll, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { OrderRejected, type OrderRequest } from '../../src/exchange/exchange.port.js';
import type { PaperOptions } from '../../src/exchange/paper/paper-exchange.js';
import { CsvMarketData, parseCsvSpec } from '../../src/market-data/csv.market-data.js';
import { PaperFixture } from '../support/paper-fixture.js';
import { BINANCE_1M } from '../support/reference-market.js';
import { Rng } from '../support/seeded-random.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2023, 2, 10);
const OPTIONS: PaperOptions = { makerFee: 0.0008, takerFee: 0.001, slippage: 0.0005, volumeShare: 0.02, priceExchange: 'paper' };
const START = { USDT: 5_000, BTC: 0.2 };
const market = new CsvMarketData(parseCsvSpec(`BTC/USDT@1m=${BINANCE_1M}`));

let paper: PaperFixture;
let db: DataSource;

beforeAll(async () => {
  paper = await PaperFixture.open('paper_random', market, OPTIONS);
  db = paper.db;
});

afterAll(() => paper?.close());

/** What the balances must be, worked out from the recorded fills and the open orders alone. */
async function expectedBalances(accountId: string) {
  const fills: { side: string; amount: number; price: number; fee: number }[] = await db.query(
    `SELECT o.side, f.amount::float8, f.price::float8, f.fee::float8 FROM paper_fills f JOIN paper_orders o ON o.id = f.order_id WHERE o.exchange_account_id = $1`,
    [accountId],
  );
  const total = { ...START };
  for (const f of fills) {
    const sign = f.side === 'buy' ? 1 : -1;
    total.BTC += sign * f.amount;
    total.USDT -= sign * f.amount * f.price + f.fee;
  }
  const open: { side: string; remaining: number; price: number }[] = await db.query(
    `SELECT side, (amount - filled)::float8 AS remaining, price::float8 FROM paper_orders WHERE exchange_account_id = $1 AND status IN ('open', 'partially_filled')`,
    [accountId],
  );
  const used = { USDT: 0, BTC: 0 };
  for (const o of open) {
    if (o.side === 'buy') used.USDT += o.remaining * o.price * (1 + OPTIONS.makerFee);
    else used.BTC += o.remaining;
  }
  return { total, used };
}

it('keeps balances non-negative and consistent with fills and fees over 200 random orders and cancels', async () => {
  const { id, clock, exchange } = await paper.account(START, T0, 'random');
  const rng = new Rng(20230310);
  const next = () => rng.next();
  const ids: string[] = [];
  const outcomes = { placed: 0, rejected: 0, unfunded: 0, canceled: 0 };
  for (let step = 0; step < 200; step++) {
    clock.advance(Math.floor(next() * 20) * MINUTE);
    const now = clock.now();
    const close = (await market.lastPrice('paper', 'BTC/USDT', now))!;
    const roll = next();
    try {
      if (roll < 0.2 && ids.length > 0) {
        await exchange.cancelOrder('BTC/USDT', ids[Math.floor(next() * ids.length)]);
        outcomes.canceled++;
      } else {
        const side = next() < 0.5 ? 'buy' : 'sell';
        const amount = Math.round((0.0002 + next() * 0.08) * 1e5) / 1e5;
        const request: OrderRequest = { clientOrderId: `r-${step}`, symbol: 'BTC/USDT', side, type: 'market', amount, decidedAt: now };
        if (next() < 0.6) Object.assign(request, { type: 'limit', price: Math.round(close * (1 + (next() - 0.6) * 0.01) * 100) / 100 });
        await exchange.createOrder(request);
        ids.push(request.clientOrderId);
        outcomes.placed++;
      }
    } catch (error) {
      if (!(error instanceof OrderRejected) || !['insufficient_funds', 'below_minimum'].includes(error.reason)) throw error;
      outcomes.rejected++;
      if (error.reason === 'insufficient_funds') outcomes.unfunded++;
    }
    const balances = await exchange.fetchBalance();
    const expected = await expectedBalances(id);
    for (const asset of ['USDT', 'BTC'] as const) {
      const { free, used, total } = balances[asset];
      expect(free, `${asset} free at step ${step}`).toBeGreaterThanOrEqual(0);
      expect(used, `${asset} used at step ${step}`).toBeGreaterThanOrEqual(0);
      expect(total, `${asset} total at step ${step}`).toBeCloseTo(expected.total[asset], 6);
      expect(used, `${asset} used at step ${step}`).toBeCloseTo(expected.used[asset], 6);
    }
  }
  // The sequence must have exercised every path, not just one.
  expect(outcomes.placed).toBeGreaterThan(50);
  expect(outcomes.unfunded).toBeGreaterThan(5);
  expect(outcomes.canceled).toBeGreaterThan(10);
  const [{ partial }] = await db.query(`SELECT count(*)::int AS partial FROM (SELECT order_id FROM paper_fills GROUP BY order_id HAVING count(*) > 1) m`);
  expect(partial).toBeGreaterThan(0);
});
