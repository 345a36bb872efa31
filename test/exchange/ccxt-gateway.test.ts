import type { Exchange } from 'ccxt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DefaultCcxtExchangeFactory } from '../../src/exchange/ccxt/ccxt-exchange.factory.js';
import { CcxtGateway, type CcxtGatewayOptions } from '../../src/exchange/ccxt/ccxt.gateway.js';
import { ExchangeUnavailable, OrderRejected, type OrderRequest } from '../../src/exchange/exchange.port.js';
import { prepareOrder } from '../../src/exchange/order-rules.js';
import { pointAtFakeBinance } from '../support/fake-binance/ccxt-binding.js';
import { start, type FakeBinance } from '../support/fake-binance/fake-binance.server.js';

const API_KEY = 'fake-key-0123456789abcdef';
const SECRET = 'fake-secret-0123456789abcdef';
const POST_ORDER = 'POST /api/v3/order';
let sequence = 0;

describe('CcxtGateway against a fake Binance', () => {
  let binance: FakeBinance;
  const exchanges: Exchange[] = [];

  beforeAll(async () => {
    binance = await start({ apiKey: API_KEY, secret: SECRET, balances: { USDT: 10_000, BTC: 1 } });
    Object.assign(binance.state.account.prices, { BTCUSDT: 30_000, ETHUSDT: 2_000 });
  });
  afterEach(() => binance.faults.clear());
  afterAll(async () => {
    await Promise.all(exchanges.map((exchange) => exchange.close()));
    await binance.close();
  });

  function connect(options: CcxtGatewayOptions = {}, credentials = { apiKey: API_KEY, secret: SECRET }): { gateway: CcxtGateway; exchange: Exchange } {
    const exchange = new DefaultCcxtExchangeFactory().create('binance', credentials, false);
    pointAtFakeBinance(exchange, binance.url);
    exchange.timeout = 500; // a withheld answer times out fast
    exchanges.push(exchange);
    return { gateway: new CcxtGateway(exchange, options), exchange };
  }

  function order(fields: Partial<OrderRequest>): OrderRequest {
    return { clientOrderId: `t${++sequence}-${Date.now() % 1e6}`, symbol: 'BTC/USDT', side: 'buy', type: 'limit', decidedAt: Date.now(), ...fields };
  }

  async function failure(promise: Promise<unknown>): Promise<Error> {
    return promise.then(
      () => {
        throw new Error('expected a failure');
      },
      (error: Error) => error,
    );
  }

  const lastPost = () => binance.requests.filter((r) => `${r.method} ${r.path}` === POST_ORDER).at(-1)!;

  it('reads the market rules from exchangeInfo, once per TTL', async () => {
    let now = 0;
    const { gateway } = connect({ marketsTtlMs: 60_000, now: () => now });
    const infos = () => binance.count('GET /api/v3/exchangeInfo');
    const before = infos();
    const [btc, eth] = await Promise.all([gateway.marketRules('BTC/USDT'), gateway.marketRules('ETH/USDT')]);
    expect(btc).toEqual({ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', amountStep: 0.00001, priceStep: 0.01, minAmount: 0.00001, minCost: 5, maxAmount: 9000 });
    expect(eth).toMatchObject({ symbol: 'ETH/USDT', base: 'ETH', quote: 'USDT' });
    expect(infos()).toBe(before + 1);
    now = 59_999;
    await gateway.marketRules('BTC/USDT');
    expect(infos()).toBe(before + 1);
    now = 60_000;
    await gateway.marketRules('BTC/USDT');
    expect(infos()).toBe(before + 2);
    await expect(gateway.marketRules('NOPE/USDT')).rejects.toMatchObject({ reason: 'unknown_market', message: 'binance has no market NOPE/USDT' });
  });

  it('sends orders rounded by prepareOrder, and never one below the minimum', async () => {
    const { gateway } = connect();
    const rules = await gateway.marketRules('BTC/USDT');
    const posts = binance.count(POST_ORDER);
    const tooSmall = order({ amount: 0.0001, price: 29_000 });
    expect(() => prepareOrder(tooSmall, rules)).toThrow(
      new OrderRejected('below_minimum', 'order cost 2.9 USDT (0.0001 BTC × 29000) is below the minimum 5 USDT for BTC/USDT'),
    );
    expect(binance.count(POST_ORDER)).toBe(posts);

    const placed = await gateway.createOrder(prepareOrder(order({ amount: 0.0012345678, price: 20_000.004 }), rules));
    expect(lastPost().params).toMatchObject({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: '0.00123', price: '20000', timeInForce: 'GTC' });
    expect(placed).toMatchObject({ status: 'open', amount: 0.00123, price: 20_000, filled: 0 });
    await gateway.cancelOrder('BTC/USDT', placed.clientOrderId);
  });

  it('buys at market by quote amount with quoteOrderQty', async () => {
    const { gateway } = connect();
    const request = order({ type: 'market', quoteAmount: 100.129, price: 29_000 });
    const placed = await gateway.createOrder(prepareOrder(request, await gateway.marketRules('BTC/USDT')));
    expect(lastPost().params).toMatchObject({ type: 'MARKET', quoteOrderQty: '100.12', newClientOrderId: request.clientOrderId });
    expect(lastPost().params.quantity).toBeUndefined();
    expect(placed).toEqual({
      exchangeOrderId: expect.any(String),
      clientOrderId: request.clientOrderId,
      symbol: 'BTC/USDT',
      side: 'buy',
      type: 'market',
      price: null,
      status: 'filled',
      amount: 0.00333,
      filled: 0.00333,
      average: 30_000,
      fee: 0.00000333,
      feeCurrency: 'BTC',
    });
  });

  it('sends a market order sized in base currency without its reference price', async () => {
    const { gateway } = connect();
    const placed = await gateway.createOrder(order({ type: 'market', side: 'sell', amount: 0.001, price: 29_000 }));
    expect(lastPost().params).toMatchObject({ type: 'MARKET', side: 'SELL', quantity: '0.001' });
    expect(lastPost().params.quoteOrderQty).toBeUndefined();
    expect(placed).toMatchObject({ status: 'filled', filled: 0.001, average: 30_000, fee: 0.03, feeCurrency: 'USDT' });
  });

  it('rests a limit order until it fills, and finds it by client order id', async () => {
    const { gateway } = connect();
    const request = order({ amount: 0.01, price: 29_000 });
    expect(await gateway.createOrder(request)).toMatchObject({ status: 'open', filled: 0, fee: 0, feeCurrency: 'BTC' });
    expect((await gateway.fetchOpenOrders('BTC/USDT')).map((o) => o.clientOrderId)).toContain(request.clientOrderId);
    binance.state.fill(request.clientOrderId, 0.004);
    const partial = await gateway.fetchOrder('BTC/USDT', request.clientOrderId);
    // Binance's order look-up reports no commission: it comes from the order's trades.
    expect(partial).toMatchObject({ status: 'partially_filled', filled: 0.004, amount: 0.01, fee: 0.000004, feeCurrency: 'BTC' });
    binance.state.fill(request.clientOrderId, undefined, 28_900);
    const trades = binance.count('GET /api/v3/myTrades');
    const done = await gateway.fetchOrder('BTC/USDT', request.clientOrderId);
    expect(done).toMatchObject({ status: 'filled', filled: 0.01, price: 29_000, fee: 0.00001, clientOrderId: request.clientOrderId });
    expect(binance.count('GET /api/v3/myTrades')).toBe(trades + 1);
    expect(done!.average).toBeCloseTo((0.004 * 29_000 + 0.006 * 28_900) / 0.01, 6);
    expect((await gateway.fetchOpenOrders()).map((o) => o.clientOrderId)).not.toContain(request.clientOrderId);
    expect(await gateway.fetchOrder('BTC/USDT', 'never-sent')).toBeNull();
  });

  it('cancels by client order id and reports how an order that is no longer open ended', async () => {
    const { gateway } = connect();
    const request = order({ side: 'sell', amount: 0.02, price: 40_000 });
    await gateway.createOrder(request);
    expect((await gateway.fetchBalance()).BTC.used).toBeGreaterThanOrEqual(0.02);
    const canceled = await gateway.cancelOrder('BTC/USDT', request.clientOrderId);
    // Binance's answer carries the cancel's own id in clientOrderId: the order's id is kept.
    expect(canceled).toMatchObject({ status: 'canceled', clientOrderId: request.clientOrderId, filled: 0 });
    expect(await gateway.cancelOrder('BTC/USDT', request.clientOrderId)).toMatchObject({ status: 'canceled' });
    await expect(gateway.cancelOrder('BTC/USDT', 'never-sent')).rejects.toMatchObject({ reason: 'invalid_order' });
  });

  it('reads balances, leaving out empty assets', async () => {
    const { gateway } = connect();
    binance.state.account.deposit('ETH', 0);
    const balances = await gateway.fetchBalance();
    const usdt = binance.state.account.balance('USDT');
    expect(balances.USDT).toEqual({ free: usdt.free, used: usdt.locked, total: usdt.free + usdt.locked });
    expect(balances.ETH).toBeUndefined();
    expect(binance.requests.at(-1)!.headers['x-mbx-apikey']).toBe(API_KEY);
  });

  it('classifies refusals: funds, filters, duplicates, unknown symbols', async () => {
    const { gateway } = connect();
    const funds = await failure(gateway.createOrder(order({ type: 'market', amount: 5 })));
    expect(funds).toBeInstanceOf(OrderRejected);
    expect(funds).toMatchObject({ reason: 'insufficient_funds', message: expect.stringContaining('insufficient balance') });
    const lot = await failure(gateway.createOrder(order({ amount: 9500, price: 1 })));
    expect(lot).toMatchObject({ reason: 'invalid_order', message: expect.stringContaining('Filter failure: LOT_SIZE') });
    const notional = await failure(gateway.createOrder(order({ amount: 0.0001, price: 20_000 })));
    expect(notional).toMatchObject({ reason: 'invalid_order', message: expect.stringContaining('Filter failure: NOTIONAL') });
    const open = order({ amount: 0.001, price: 20_000 });
    await gateway.createOrder(open);
    const duplicate = await failure(gateway.createOrder(open));
    // A duplicate client id means the order exists: not a refusal but a reason to look it up.
    expect(duplicate).toBeInstanceOf(ExchangeUnavailable);
    expect(duplicate.message).toContain('Duplicate order sent.');
    const posts = binance.count(POST_ORDER);
    expect(await failure(gateway.createOrder(order({ symbol: 'NOPE/USDT', amount: 1, price: 1 })))).toMatchObject({ reason: 'unknown_market' });
    expect(binance.count(POST_ORDER)).toBe(posts);
    for (const error of [funds, lot, notional, duplicate]) {
      expect(error.message).not.toMatch(new RegExp(`${API_KEY}|${SECRET}|signature`));
    }
  });

  it('turns 429 and 418 with Retry-After into a rate limit with its delay', async () => {
    const { gateway } = connect();
    await gateway.marketRules('BTC/USDT');
    binance.faults.rateLimit(POST_ORDER, 7);
    const limited = await failure(gateway.createOrder(order({ type: 'market', quoteAmount: 20 })));
    expect(limited).toBeInstanceOf(ExchangeUnavailable);
    expect(limited).toMatchObject({ kind: 'rate_limit', retryAfterMs: 7000 });
    binance.faults.rateLimit('GET /api/v3/account', 120, { status: 418 });
    expect(await failure(gateway.fetchBalance())).toMatchObject({ kind: 'rate_limit', retryAfterMs: 120_000 });
  });

  it('reports maintenance and lost connections as unavailable', async () => {
    const { gateway } = connect();
    const maintenance = { status: 503, body: { code: 1, msg: 'System is under maintenance.' } };
    binance.faults.add('GET /api/v3/account', { kind: 'reply', reply: maintenance });
    expect(await failure(gateway.fetchBalance())).toMatchObject({ kind: 'maintenance' });
    binance.faults.dropAfterAccept(POST_ORDER);
    const posts = binance.count(POST_ORDER);
    const request = order({ type: 'market', quoteAmount: 20 });
    expect(await failure(gateway.createOrder(request))).toMatchObject({ kind: 'network' });
    expect(await gateway.fetchOrder('BTC/USDT', request.clientOrderId)).toMatchObject({ status: 'filled' });
    expect(binance.count(POST_ORDER)).toBe(posts + 1);
    // A slow answer is waited for up to ccxt's timeout, then given up.
    binance.faults.delay('GET /api/v3/account', 50).delay('GET /api/v3/account', 700);
    expect(await gateway.fetchBalance()).toHaveProperty('USDT');
    expect(await failure(gateway.fetchBalance())).toMatchObject({ kind: 'timeout' });
  });

  it('sends createOrder once on a timeout after accept, and the order is then found', async () => {
    const { gateway } = connect();
    await gateway.marketRules('BTC/USDT');
    const posts = binance.count(POST_ORDER);
    binance.faults.timeoutAfterAccept(POST_ORDER);
    const request = order({ amount: 0.001, price: 20_000 });
    const timedOut = await failure(gateway.createOrder(request));
    expect(timedOut).toBeInstanceOf(ExchangeUnavailable);
    expect(timedOut).toMatchObject({ kind: 'timeout', message: expect.stringMatching(/^binance createOrder buy limit BTC\/USDT/) });
    expect(timedOut.message).not.toMatch(/signature|\?/);
    expect(await gateway.fetchOrder('BTC/USDT', request.clientOrderId)).toMatchObject({ status: 'open', amount: 0.001 });
    expect(binance.count(POST_ORDER)).toBe(posts + 1);
  });

  it('sends createOrder once on a timeout before accept, and the order is then unknown', async () => {
    const { gateway } = connect();
    await gateway.marketRules('BTC/USDT');
    const posts = binance.count(POST_ORDER);
    binance.faults.timeoutBeforeAccept(POST_ORDER);
    const request = order({ type: 'market', quoteAmount: 20 });
    expect(await failure(gateway.createOrder(request))).toMatchObject({ kind: 'timeout' });
    expect(await gateway.fetchOrder('BTC/USDT', request.clientOrderId)).toBeNull();
    expect(binance.count(POST_ORDER)).toBe(posts + 1);
  });

  it('never resends an order, even on an instance told to retry failed requests', async () => {
    const { gateway, exchange } = connect();
    await gateway.marketRules('BTC/USDT');
    exchange.options.maxRetriesOnFailure = 3;
    // The option works: a balance read is retried through two lost requests...
    const accounts = binance.count('GET /api/v3/account');
    binance.faults.timeoutBeforeAccept('GET /api/v3/account', 2);
    await gateway.fetchBalance();
    expect(binance.count('GET /api/v3/account')).toBe(accounts + 3);
    // ...but an order placement is not.
    const posts = binance.count(POST_ORDER);
    binance.faults.timeoutBeforeAccept(POST_ORDER, 3);
    expect(await failure(gateway.createOrder(order({ type: 'market', quoteAmount: 20 })))).toMatchObject({ kind: 'timeout' });
    expect(binance.count(POST_ORDER)).toBe(posts + 1);
  });

  it('returns null while the exchange does not report a fresh order yet', async () => {
    const { gateway } = connect();
    binance.faults.hideFreshOrders(2);
    const request = order({ amount: 0.001, price: 20_000 });
    await gateway.createOrder(request);
    expect(await gateway.fetchOrder('BTC/USDT', request.clientOrderId)).toBeNull();
    expect(await gateway.fetchOrder('BTC/USDT', request.clientOrderId)).toBeNull();
    expect(await gateway.fetchOrder('BTC/USDT', request.clientOrderId)).toMatchObject({ status: 'open' });
  });

  it('refuses a wrong API key without showing the credentials', async () => {
    const { gateway } = connect({}, { apiKey: 'wrong-key-0123456789', secret: SECRET });
    const error = await failure(gateway.fetchBalance());
    expect(error).toMatchObject({ reason: 'exchange_error', message: expect.stringContaining('Invalid API-key') });
    expect(error.message).not.toMatch(/wrong-key-0123456789|fake-secret/);
    expect(binance.requests.at(-1)!.params.signature).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('DefaultCcxtExchangeFactory', () => {
  it('refuses an exchange id ccxt does not know, naming the valid ones', () => {
    expect(() => new DefaultCcxtExchangeFactory().create('nowhere', null, false)).toThrow(/unknown exchange id "nowhere": it must be one of ccxt.exchanges \(.*binance.*\)/);
  });

  it('creates spot instances with the rate limiter on and the sandbox when asked', async () => {
    const exchange = new DefaultCcxtExchangeFactory().create('binance', { apiKey: 'k', secret: 's' }, true);
    expect(exchange).toMatchObject({ enableRateLimit: true, apiKey: 'k', secret: 's' });
    expect(exchange.options.defaultType).toBe('spot');
    expect(exchange.isSandboxModeEnabled).toBe(true);
    await exchange.close();
  });
});
