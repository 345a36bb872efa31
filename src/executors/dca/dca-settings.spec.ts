import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { DcaSettingsDto } from './dca-settings.dto.js';

const full = {
  baseOrderSize: 10,
  safetyOrderSize: 20,
  maxSafetyOrders: 4,
  maxActiveSafetyOrders: 2,
  priceDeviation: 1,
  safetyOrderStepScale: 2,
  safetyOrderVolumeScale: 2,
  takeProfit: 1.5,
  takeProfitType: 'average',
  trailingTakeProfit: 0.5,
  takeProfitSteps: [{ profit: 1, closePercent: 50 }, { profit: 2, closePercent: 50 }],
  stopLoss: 20,
  stopLossTimeout: 300,
  trailingStopLoss: true,
  cooldown: 3600,
  maxActiveDeals: 3,
  startAsap: false,
  direction: 'long',
  orderType: 'limit',
};

const parse = (body: Record<string, unknown>) => plainToInstance(DcaSettingsDto, body);

/** Failing fields as paths (`takeProfitSteps.1.closePercent`) with their messages. */
function failures(body: Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const walk = (errors: ValidationError[], prefix: string) => {
    for (const error of errors) {
      const path = prefix + error.property;
      if (error.constraints) out[path] = Object.values(error.constraints);
      walk(error.children ?? [], `${path}.`);
    }
  };
  walk(validateSync(parse(body)), '');
  return out;
}

describe('DcaSettingsDto', () => {
  it('accepts a full body and keeps its values', () => {
    expect(failures(full)).toEqual({});
    const dca = parse(full);
    expect(dca).toMatchObject({ ...full, takeProfitSteps: full.takeProfitSteps });
  });

  it('accepts the minimal body of before and fills in the defaults', () => {
    expect(failures({ baseOrderSize: 100 })).toEqual({});
    expect(parse({ baseOrderSize: 100 })).toEqual({
      baseOrderSize: 100,
      maxSafetyOrders: 0,
      maxActiveSafetyOrders: 1,
      priceDeviation: 1,
      safetyOrderStepScale: 1,
      safetyOrderVolumeScale: 1,
      takeProfitType: 'average',
      stopLossTimeout: 0,
      trailingStopLoss: false,
      cooldown: 0,
      maxActiveDeals: 1,
      startAsap: false,
      orderType: 'market',
      direction: 'long',
    });
  });

  it('accepts startAsap and a short', () => {
    expect(failures({ baseOrderSize: 100, startAsap: true, direction: 'short', takeProfit: 2 })).toEqual({});
  });

  it.each([
    ['baseOrderSize', { baseOrderSize: 0 }],
    ['baseOrderSize', { baseOrderSize: Number.NaN }],
    ['safetyOrderSize', { safetyOrderSize: -1 }],
    ['maxSafetyOrders', { maxSafetyOrders: 101 }],
    ['maxSafetyOrders', { maxSafetyOrders: 1.5 }],
    ['maxActiveSafetyOrders', { maxActiveSafetyOrders: 0 }],
    ['maxActiveSafetyOrders', { maxActiveSafetyOrders: 5 }],
    ['priceDeviation', { priceDeviation: 0 }],
    ['priceDeviation', { priceDeviation: 101 }],
    ['priceDeviation', { priceDeviation: Number.POSITIVE_INFINITY }],
    ['safetyOrderStepScale', { safetyOrderStepScale: 0.05 }],
    ['safetyOrderStepScale', { safetyOrderStepScale: 11 }],
    ['safetyOrderVolumeScale', { safetyOrderVolumeScale: 0 }],
    ['safetyOrderVolumeScale', { safetyOrderVolumeScale: '2' }],
    ['takeProfit', { takeProfit: 0 }],
    ['takeProfit', { takeProfit: 1001 }],
    ['takeProfitType', { takeProfitType: 'quote' }],
    ['trailingTakeProfit', { trailingTakeProfit: 0 }],
    ['trailingTakeProfit', { trailingTakeProfit: 2 }],
    ['takeProfitSteps', { takeProfitSteps: 'all' }],
    ['takeProfitSteps', { takeProfitSteps: Array.from({ length: 11 }, (_, i) => ({ profit: i + 1, closePercent: 5 })) }],
    ['takeProfitSteps', { takeProfitSteps: [{ profit: 1, closePercent: 60 }, { profit: 2, closePercent: 50 }] }],
    ['takeProfitSteps', { takeProfitSteps: [{ profit: 2, closePercent: 10 }, { profit: 1, closePercent: 10 }] }],
    ['takeProfitSteps.0.profit', { takeProfitSteps: [{ profit: 0, closePercent: 10 }] }],
    ['takeProfitSteps.1.closePercent', { takeProfitSteps: [{ profit: 1, closePercent: 10 }, { profit: 2, closePercent: 101 }] }],
    ['takeProfitSteps.0.closePercent', { takeProfitSteps: [{ profit: 1 }] }],
    ['stopLoss', { stopLoss: 0 }],
    ['stopLoss', { stopLoss: 100.5 }],
    ['stopLossTimeout', { stopLossTimeout: -1 }],
    ['stopLossTimeout', { stopLossTimeout: 1.5 }],
    ['stopLossTimeout', { stopLossTimeout: 31 * 24 * 3600 }],
    ['trailingStopLoss', { trailingStopLoss: 'yes' }],
    ['cooldown', { cooldown: -60 }],
    ['maxActiveDeals', { maxActiveDeals: 0 }],
    ['maxActiveDeals', { maxActiveDeals: 101 }],
    ['startAsap', { startAsap: 1 }],
    ['direction', { direction: 'sideways' }],
    ['orderType', { orderType: 'stop' }],
  ])('names %s when it is wrong: %j', (field, override) => {
    expect(Object.keys(failures({ ...full, ...override }))).toEqual([field]);
  });

  it('requires safetyOrderSize once there are safety orders', () => {
    const { safetyOrderSize: _, ...body } = full;
    expect(failures(body)).toEqual({ safetyOrderSize: expect.arrayContaining(['safetyOrderSize must be a finite number (quote currency) when maxSafetyOrders > 0']) });
    expect(failures({ baseOrderSize: 10, maxSafetyOrders: 0 })).toEqual({});
  });

  it('keeps maxActiveSafetyOrders within maxSafetyOrders', () => {
    expect(failures({ ...full, maxActiveSafetyOrders: 5 })).toEqual({ maxActiveSafetyOrders: ['maxActiveSafetyOrders must not exceed maxSafetyOrders'] });
    expect(failures({ baseOrderSize: 10, maxActiveSafetyOrders: 2 })).toHaveProperty('maxActiveSafetyOrders');
  });

  it('ties trailing take profit to a take profit, and timeout and trailing stop loss to a stop loss', () => {
    const { takeProfit: _tp, stopLoss: _sl, ...body } = full;
    expect(failures(body)).toEqual({
      trailingTakeProfit: ['trailingTakeProfit needs a takeProfit above it'],
      stopLossTimeout: ['stopLossTimeout needs a stopLoss'],
      trailingStopLoss: ['trailingStopLoss needs a stopLoss'],
    });
  });

  it('keeps a short take profit below 100 %', () => {
    expect(failures({ baseOrderSize: 10, direction: 'short', takeProfit: 150 })).toEqual({ takeProfit: ['takeProfit must be below 100 for a short'] });
    expect(failures({ baseOrderSize: 10, direction: 'long', takeProfit: 150 })).toEqual({});
  });
});
