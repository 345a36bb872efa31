import { describe, expect, it } from 'vitest';
import { OrderRejected, type MarketRules, type OrderRequest } from './exchange.port.js';
import { floorToStep, prepareOrder, roundToStep, stepDecimals } from './order-rules.js';

const btc: MarketRules = {
  symbol: 'BTC/USDT',
  base: 'BTC',
  quote: 'USDT',
  amountStep: 0.00001,
  priceStep: 0.01,
  minAmount: 0.00001,
  minCost: 5,
  maxAmount: 9000,
};

function order(fields: Partial<OrderRequest>): OrderRequest {
  return { clientOrderId: 'c1', symbol: 'BTC/USDT', side: 'buy', type: 'limit', decidedAt: 0, ...fields };
}

function rejection(run: () => unknown): OrderRejected {
  try {
    run();
  } catch (error) {
    if (error instanceof OrderRejected) return error;
    throw error;
  }
  throw new Error('expected an OrderRejected');
}

describe('stepDecimals', () => {
  it.each([
    [0.01, 2],
    [1e-8, 8],
    [2.5e-7, 8],
    [0.00001, 5],
    [0.5, 1],
    [1, 0],
    [5, 0],
    [100, 0],
  ])('%s has %s decimals', (step, decimals) => expect(stepDecimals(step)).toBe(decimals));
});

describe('roundToStep', () => {
  it('is free of float noise', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(roundToStep(0.1 + 0.2, 0.1)).toBe(0.3);
    expect(floorToStep(0.1 + 0.2, 0.1)).toBe(0.3);
    // 0.3 / 0.1 = 2.9999999999999996: a naive floor would give 0.2.
    expect(floorToStep(0.3, 0.1)).toBe(0.3);
    expect(floorToStep(1.1, 0.01)).toBe(1.1);
    expect(floorToStep(4.35, 0.01)).toBe(4.35);
    expect(roundToStep(1.005, 0.01, 'up')).toBe(1.01);
  });

  it('rounds down, to nearest and up at step 0.01', () => {
    expect(floorToStep(123.456, 0.01)).toBe(123.45);
    expect(roundToStep(123.456, 0.01)).toBe(123.46);
    expect(roundToStep(123.454, 0.01)).toBe(123.45);
    expect(roundToStep(123.451, 0.01, 'up')).toBe(123.46);
    expect(roundToStep(123.45, 0.01, 'up')).toBe(123.45);
  });

  it('keeps eight decimals at step 1e-8', () => {
    expect(floorToStep(0.123456789, 1e-8)).toBe(0.12345678);
    expect(roundToStep(0.123456789, 1e-8)).toBe(0.12345679);
    expect(floorToStep(0.00000001, 1e-8)).toBe(0.00000001);
    expect(floorToStep(0.000000009, 1e-8)).toBe(0);
    expect(floorToStep(12345.678901234, 1e-8)).toBe(12345.67890123);
  });

  it('works with whole steps of 1 and 5', () => {
    expect(floorToStep(7.9, 1)).toBe(7);
    expect(roundToStep(7.5, 1)).toBe(8);
    expect(floorToStep(14.99, 5)).toBe(10);
    expect(roundToStep(12.4, 5)).toBe(10);
    expect(roundToStep(12.5, 5)).toBe(15);
    expect(roundToStep(11, 5, 'up')).toBe(15);
    expect(floorToStep(3, 5)).toBe(0);
  });

  it('refuses a step that is not positive', () => {
    expect(() => roundToStep(1, 0)).toThrow(RangeError);
  });
});

describe('prepareOrder', () => {
  it('rounds the amount down and the price to the nearest tick', () => {
    const prepared = prepareOrder(order({ amount: 0.0007856509959147719, price: 55000.005 }), btc);
    expect(prepared).toMatchObject({ amount: 0.00078, price: 55000.01, quoteAmount: undefined });
    expect(prepareOrder(order({ amount: 0.1 + 0.2, price: 30000.004 }), btc)).toMatchObject({ amount: 0.3, price: 30000 });
  });

  it('rounds a market buy by cost down to the price precision and keeps it unsized in base', () => {
    const prepared = prepareOrder(order({ type: 'market', quoteAmount: 25.123456 }), btc);
    expect(prepared).toMatchObject({ type: 'market', quoteAmount: 25.12 });
    expect(prepared.amount).toBeUndefined();
  });

  it('sizes a limit order given in quote currency from its price', () => {
    const prepared = prepareOrder(order({ quoteAmount: 100, price: 30000 }), btc);
    expect(prepared).toMatchObject({ amount: 0.00333, price: 30000, quoteAmount: undefined });
  });

  it('refuses an amount that rounds to 0, naming it, the step and the symbol', () => {
    const error = rejection(() => prepareOrder(order({ amount: 0.000004, price: 30000 }), btc));
    expect(error.reason).toBe('below_minimum');
    expect(error.message).toBe('amount 0.000004 BTC rounds to 0 at the step 0.00001 for BTC/USDT');
  });

  it('refuses an amount under the minimum', () => {
    const error = rejection(() => prepareOrder(order({ amount: 0.5, price: 30000 }), { ...btc, minAmount: 1 }));
    expect(error.reason).toBe('below_minimum');
    expect(error.message).toBe('amount 0.5 BTC is below the minimum 1 BTC for BTC/USDT');
  });

  it('refuses a cost under the minimum, from the price or else the reference price', () => {
    const limit = rejection(() => prepareOrder(order({ amount: 0.0001, price: 32000 }), btc));
    expect(limit.reason).toBe('below_minimum');
    expect(limit.message).toBe('order cost 3.2 USDT (0.0001 BTC × 32000) is below the minimum 5 USDT for BTC/USDT');
    const market = rejection(() => prepareOrder(order({ type: 'market', amount: 0.0001 }), btc, 32000));
    expect(market.message).toMatch(/order cost 3.2 USDT .* below the minimum 5 USDT for BTC\/USDT/);
    // No price at all: the cost is left to the exchange.
    expect(prepareOrder(order({ type: 'market', amount: 0.0001 }), btc)).toMatchObject({ amount: 0.0001 });
    expect(prepareOrder(order({ type: 'market', amount: 0.0002 }), btc, 32000)).toMatchObject({ amount: 0.0002 });
  });

  it('refuses a quote amount under the minimum cost', () => {
    const error = rejection(() => prepareOrder(order({ type: 'market', quoteAmount: 4.999 }), btc));
    expect(error.reason).toBe('below_minimum');
    expect(error.message).toBe('order cost 4.99 USDT is below the minimum 5 USDT for BTC/USDT');
    expect(rejection(() => prepareOrder(order({ type: 'market', quoteAmount: 0.001 }), btc)).reason).toBe('below_minimum');
  });

  it('refuses an amount over the maximum as an invalid order', () => {
    const error = rejection(() => prepareOrder(order({ amount: 9000.5, price: 1 }), btc));
    expect(error.reason).toBe('invalid_order');
    expect(error.message).toBe('amount 9000.5 BTC is above the maximum 9000 BTC for BTC/USDT');
  });

  it('refuses orders it cannot size or price', () => {
    expect(rejection(() => prepareOrder(order({ amount: 1 }), btc)).message).toBe('a limit order on BTC/USDT needs a price');
    expect(rejection(() => prepareOrder(order({ type: 'market' }), btc)).reason).toBe('invalid_order');
    expect(rejection(() => prepareOrder(order({ amount: 1, price: 0.004 }), btc)).reason).toBe('invalid_order');
  });

  it('skips the checks a market does not have', () => {
    const loose: MarketRules = { ...btc, amountStep: 1, priceStep: 5, minAmount: null, minCost: null, maxAmount: null };
    expect(prepareOrder(order({ amount: 12.7, price: 12.4 }), loose)).toMatchObject({ amount: 12, price: 10 });
  });
});
