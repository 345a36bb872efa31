import type { ExamplesObject } from '@nestjs/swagger';

/*
 * Example bodies of `POST /bots` and `POST /bots/preview` for the OpenAPI document, the README's among them.
 * test/api/openapi-examples.test.ts posts every one to the app and expects it accepted.
 */

const RSI_DIP = {
  name: 'rsi dip', type: 'dca', exchange: 'paper', symbol: 'BTC/USDT',
  conditions: [{ timeframe: '15m', indicator: 'rsi', params: { period: 14 }, operator: 'lt', value: 30 }],
  dca: { baseOrderSize: 100, orderType: 'market' },
};

const MACD_TURN = {
  name: 'macd turn', type: 'dca', exchange: 'paper', symbol: 'ETH/USDT',
  conditions: [
    { timeframe: '1h', indicator: 'ema', params: { period: 9 }, operator: 'crosses_above', value: { indicator: 'ema', params: { period: 21 } } },
    { timeframe: '1h', indicator: 'macd', output: 'histogram', operator: 'gt', value: 0 },
  ],
  dca: { baseOrderSize: 50 },
};

const LADDER = {
  name: 'ladder', type: 'dca', exchange: 'paper', symbol: 'BTC/USDT',
  conditions: [{ timeframe: '15m', indicator: 'rsi', operator: 'lt', value: 30 }],
  dca: {
    baseOrderSize: 10, safetyOrderSize: 20, maxSafetyOrders: 4, maxActiveSafetyOrders: 2, priceDeviation: 1,
    safetyOrderStepScale: 2, safetyOrderVolumeScale: 2, takeProfit: 1.5, stopLoss: 20,
  },
};

const TREND = {
  name: 'trend', type: 'trend', exchange: 'paper', symbol: 'BTC/USDT',
  conditions: [{ timeframe: '15m', indicator: 'ema', params: { period: 9 }, operator: 'crosses_above', value: { indicator: 'ema', params: { period: 21 } } }],
  trend: {
    positionSize: 100, stopLoss: 2, trailingStop: { activation: 1, delta: 0.5 }, timeLimit: 86400,
    exitConditions: [{ timeframe: '15m', indicator: 'ema', params: { period: 9 }, operator: 'crosses_below', value: { indicator: 'ema', params: { period: 21 } } }],
  },
};

const GRID = {
  name: 'grid', type: 'grid', exchange: 'paper', symbol: 'BTC/USDT',
  grid: { lowerPrice: 20000, upperPrice: 24000, gridLines: 10, spacing: 'arithmetic', investment: 1000 },
};

export const CREATE_BOT_EXAMPLES: ExamplesObject = {
  dca: { summary: 'DCA: buy when RSI(14) on 15m is below 30', value: RSI_DIP },
  dcaIndicators: { summary: 'DCA: an indicator on the right-hand side, and a multi-output indicator naming its output', value: MACD_TURN },
  dcaLadder: { summary: 'DCA with safety orders, take profit and stop loss', value: LADDER },
  dcaAsap: {
    summary: 'DCA starting deals as soon as possible, created stopped',
    value: { name: 'asap', type: 'dca', exchange: 'paper', symbol: 'ETH/USDT', start: false, dca: { baseOrderSize: 50, startAsap: true, takeProfit: 2, cooldown: 3600 } },
  },
  trend: { summary: 'Trend: EMA(9) crossing above EMA(21) enters, the cross back exits', value: TREND },
  grid: { summary: 'Grid: 10 lines between 20,000 and 24,000, 1,000 USDT, starting at once', value: GRID },
};

export const PREVIEW_BOT_EXAMPLES: ExamplesObject = {
  dcaLadder: { summary: 'The ladder of a DCA bot from a fill price of 100', value: { ...LADDER, price: 100 } },
  grid: { summary: 'The lines of a grid from a price of 22,000', value: { ...GRID, price: 22000 } },
};
