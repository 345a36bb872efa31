import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExchangeUnavailable, OrderRejected, type OrderAnswer, type OrderRequest } from '../../src/exchange/exchange.port.js';
import type { PaperExchange, PaperOptions } from '../../src/exchange/paper/paper-exchange.js';
import { CsvMarketData, parseCsvSpec } from '../../src/market-data/csv.market-data.js';
import { PaperFixture } from '../support/paper-fixture.js';
import { BINANCE_1M } from '../support/reference-market.js';

const T0 = Date.UTC(2023, 2, 10); // BTC/USDT closed at 20368.79 the minute before
const OPTIONS: PaperOptions = { makerFee: 0.001, takerFee: 0.001, slippage: 0.0005, volumeShare: 0.1, priceExchange: 'paper' };
const market = new CsvMarketData(parseCsvSpec(`BTC/USDT@1m=${BINANCE_1M}`));

const order = (clientOrderId: string, over: Partial<OrderRequest>): OrderRequest => ({ clientOrderId, symbol: 'BTC/USDT', side: 'buy', type: 'market', decidedAt: T0, ...over });

/**
 * The paper exchange's batch (`createOrders`, which the placer uses for a routing chunk's orders) must answer and
 * write exactly what `createOrder` does for the same requests one after the other: the same answers, refusals,
 * balances, order rows and fills, numerics compared as Postgres's text.
 */
describe('paper exchange: createOrders is createOrder for many', () => {
  let paper: PaperFixture;

  beforeAll(async () => {
    paper = await PaperFixture.open('paper_batch', market, OPTIONS);
  });

  afterAll(() => paper?.close());

  async function oneByOne(exchange: PaperExchange, requests: OrderRequest[]): Promise<OrderAnswer[]> {
    const answers: OrderAnswer[] = [];
    for (const request of requests) {
      try {
        answers.push({ order: await exchange.createOrder(request) });
      } catch (error) {
        if (!(error instanceof OrderRejected || error instanceof ExchangeUnavailable)) throw error;
        answers.push({ error });
      }
    }
    return answers;
  }

  /** What the account holds and what its orders and fills are, ids left out (they derive from the account). */
  async function state(accountId: string) {
    const rows = async (sql: string) => (await paper.db.query(sql, [accountId])) as Record<string, unknown>[];
    return {
      balances: await rows(`SELECT asset, free::text, used::text FROM paper_balances WHERE exchange_account_id = $1 ORDER BY asset`),
      orders: await rows(
        `SELECT client_order_id, symbol, side, type, price::text, amount::text, filled::text, average::text, fee::text, status, reserved::text, checked_until, created_at
         FROM paper_orders WHERE exchange_account_id = $1 ORDER BY client_order_id`,
      ),
      fills: await rows(
        `SELECT p.client_order_id, f.candle_open_time, f.filled_at, f.liquidity, f.amount::text, f.price::text, f.fee::text
         FROM paper_fills f JOIN paper_orders p ON p.id = f.order_id WHERE p.exchange_account_id = $1 ORDER BY p.client_order_id, f.id`,
      ),
    };
  }

  const comparable = (answers: OrderAnswer[]) =>
    answers.map((a) => ('order' in a ? { ...a.order, exchangeOrderId: 'x' } : { error: a.error.name, reason: (a.error as OrderRejected).reason, message: a.error.message }));

  it('answers and writes the same for fills, resting limits, refusals and a known client order id', async () => {
    const requests = [
      order('buy-amount', { amount: 0.01 }),
      order('buy-quote', { quoteAmount: 150 }),
      order('rest-buy', { type: 'limit', amount: 0.01, price: 20_000 }),
      order('rest-sell', { side: 'sell', type: 'limit', amount: 0.005, price: 21_000 }),
      order('take-limit', { type: 'limit', amount: 0.002, price: 21_000 }),
      order('sell-market', { side: 'sell', amount: 0.003 }),
      order('too-small', { amount: 0.00001 }),
      order('no-price', { type: 'limit', amount: 0.01 }),
      order('known', { side: 'sell', amount: 0.5 }),
    ];
    const accounts = [await paper.account({ USDT: 5000, BTC: 1 }, T0), await paper.account({ USDT: 5000, BTC: 1 }, T0)];
    for (const { exchange } of accounts) await exchange.createOrder(order('known', { amount: 0.02 }));

    const together = await accounts[0].exchange.createOrders!(requests);
    const alone = await oneByOne(accounts[1].exchange, requests);
    expect(together.map((a) => ('order' in a ? a.order.status : (a.error as OrderRejected).reason))).toEqual([
      'filled', 'filled', 'open', 'open', 'filled', 'filled', 'below_minimum', 'invalid_order', 'filled',
    ]);
    expect(comparable(together)).toEqual(comparable(alone));
    expect(await state(accounts[0].id)).toEqual(await state(accounts[1].id));
  });

  it('refuses the same orders for funds when the batch does not fit the balance', async () => {
    const requests = [0, 1, 2, 3, 4, 5].map((i) => order(`spend-${i}`, i === 3 ? { side: 'sell', amount: 0.01 } : { amount: 0.01 }));
    const accounts = [await paper.account({ USDT: 700, BTC: 0.01 }, T0), await paper.account({ USDT: 700, BTC: 0.01 }, T0)];
    const together = await accounts[0].exchange.createOrders!(requests);
    const alone = await oneByOne(accounts[1].exchange, requests);
    // Three buys fit; the sell then funds a fourth; the last is refused.
    expect(together.map((a) => ('order' in a ? a.order.status : (a.error as OrderRejected).reason))).toEqual([
      'filled', 'filled', 'filled', 'filled', 'filled', 'insufficient_funds',
    ]);
    expect(comparable(together)).toEqual(comparable(alone));
    expect(await state(accounts[0].id)).toEqual(await state(accounts[1].id));
  });
});
