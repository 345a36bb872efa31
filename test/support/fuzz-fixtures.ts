import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import type { TriggerFiredV1 } from '../../src/event-bus/index.js';
import { TriggerRouter } from '../../src/notifier/index.js';
import { OrderPlacer } from '../../src/trading/index.js';
import type { Hostile } from './fuzz-json.js';
import type { FuzzFixtures } from './fuzz-requests.js';
import type { Route } from './fuzz-routes.js';
import type { TestApp } from './test-app.js';

const RSI = { timeframe: '15m', indicator: 'rsi', params: { period: 14 }, operator: 'lt', value: 30 };
/** The body of `POST /bots` as the README and the API tests document it. */
export const RSI_DIP = { name: 'rsi dip', type: 'dca', exchange: 'paper', symbol: 'BTC/USDT', conditions: [RSI], dca: { baseOrderSize: 100, orderType: 'market' } };
const MACD_TURN = {
  name: 'macd turn', type: 'dca', exchange: 'paper', symbol: 'ETH/USDT',
  conditions: [
    { timeframe: '1h', indicator: 'ema', params: { period: 9 }, operator: 'crosses_above', value: { indicator: 'ema', params: { period: 21 } } },
    { timeframe: '1h', indicator: 'macd', output: 'histogram', operator: 'gt', value: 0 },
  ],
  dca: { baseOrderSize: 50, safetyOrderSize: 20, maxSafetyOrders: 4, priceDeviation: 1, safetyOrderStepScale: 2, safetyOrderVolumeScale: 2, takeProfit: 1.5, takeProfitSteps: [{ profit: 1, closePercent: 50 }] },
};
const TREND = {
  name: 'trend', type: 'trend', exchange: 'paper', symbol: 'BTC/USDT',
  conditions: [{ timeframe: '1h', indicator: 'ema', params: { period: 9 }, operator: 'crosses_above', value: { indicator: 'ema', params: { period: 21 } } }],
  trend: { exitConditions: [{ timeframe: '1h', indicator: 'rsi', operator: 'gt', value: 70 }], positionSize: 100, stopLoss: 2, trailingStop: { activation: 1, delta: 0.5 } },
};
const GRID = { name: 'grid', type: 'grid', exchange: 'paper', symbol: 'BTC/USDT', grid: { lowerPrice: 22900, upperPrice: 23900, gridLines: 11, investment: 1000 }, start: false };
const RISK = { maxExposure: 1000, maxOpenDeals: 3, dailyLossLimit: 100, stoplossGuard: { count: 2, windowSeconds: 3600, cooldownSeconds: 600 } };

/** Valid bodies by DTO class name; a DTO not listed here (a new route) is fuzzed from `{}`. */
export function sampleBodies(live: { id: string; apiKey: string; secret: string }, signalSecret: string): Record<string, object[]> {
  return {
    CreateBotDto: [RSI_DIP, MACD_TURN, TREND, GRID, { ...RSI_DIP, exchange: 'binance', exchangeAccountId: live.id, start: false }],
    PreviewBotDto: [{ ...RSI_DIP, price: 100 }, { ...MACD_TURN, price: 2000 }],
    CreateExchangeAccountDto: [
      { exchange: 'paper', label: 'paper 2', balances: { USDT: 5000, BTC: 0.1 } },
      { exchange: 'binance', label: 'binance main', apiKey: live.apiKey, secret: live.secret, sandbox: false },
    ],
    RiskSettingsDto: [RISK, {}],
    KillSwitchDto: [{ closePositions: true }, {}],
    CloseDealDto: [{ confirm: true }, {}],
    SignalSecretDto: [{ maxLag: 120 }, {}],
    CreateAccountDto: [{ name: 'acme' }],
    CreateTokenDto: [{ label: 'ci' }, {}],
    SignalDto: [
      { action: 'buy', price: 23150.5, secret: signalSecret },
      { action: 'sell', id: 'alert-1', time: new Date().toISOString(), ticker: 'BTCUSDT', amount: 0.01, secret: signalSecret },
      { action: 'close', time: Date.now(), secret: signalSecret },
    ],
  };
}

/** Valid queries by DTO class name. */
export function sampleQueries(ids: { botId: string; conditionId: string }): Record<string, Record<string, string>> {
  return {
    UuidPageQuery: { limit: '10' },
    SeqPageQuery: { limit: '10' },
    DealsQuery: { limit: '10', status: 'open', botId: ids.botId },
    TriggersQuery: { limit: '10', conditionId: ids.conditionId },
  };
}

export interface ExistingIds {
  bots: string[];
  conditions: string[];
  accounts: string[];
  deals: string[];
  /** Bots with signals on (`POST /signals/:botId`). */
  signalBots: string[];
  /** Accounts (of the API's users, not exchange accounts). */
  userAccounts: string[];
  /** Only DELETE of the resource itself gets these. */
  victimBots: string[];
  victimAccounts: string[];
}

/** Fixtures over existing ids: DELETE `/x/:id` gets victims of its own, every other route the shared ids. */
export function fixturesOf(
  ids: ExistingIds,
  bodies: Record<string, object[]>,
  queries: Record<string, Record<string, string>>,
  authHeaders: Record<string, string>,
): FuzzFixtures {
  const byResource = (route: Route): string[] => {
    const deletesItself = route.method === 'DELETE' && /^\/[\w-]+\/:\w+$/.test(route.path);
    const resource = route.path.split('/')[1];
    if (resource === 'bots') return deletesItself ? ids.victimBots : ids.bots;
    if (resource === 'exchange-accounts') return deletesItself ? ids.victimAccounts : ids.accounts;
    if (resource === 'conditions') return ids.conditions;
    if (resource === 'deals') return ids.deals;
    if (resource === 'signals') return ids.signalBots;
    if (resource === 'accounts') return ids.userAccounts;
    return [];
  };
  return {
    bodies: (route) => (bodies[route.body?.name ?? ''] ?? [{}]) as Hostile[],
    query: (route) => queries[route.query?.name ?? ''] ?? {},
    ids: byResource,
    authHeaders,
  };
}

/** A trigger of the condition on the last closed quarter, recorded as published and routed as the notifier would. */
export async function fireTrigger(app: TestApp, db: Client, conditionId: string): Promise<TriggerFiredV1> {
  const quarter = 15 * 60_000;
  const candleOpenTime = Math.floor(Date.now() / quarter) * quarter - quarter;
  const fired: TriggerFiredV1 = {
    triggerId: randomUUID(), conditionId, conditionKey: 'k', candleOpenTime, candleCloseTime: candleOpenTime + quarter, values: { lhs: 20, rhs: 30, close: null },
  };
  await db.query(`INSERT INTO triggers (id, condition_id, candle_open_time, candle_close_time, "values", published_at) VALUES ($1, $2, $3, $4, $5, now())`, [
    fired.triggerId, fired.conditionId, new Date(candleOpenTime), new Date(fired.candleCloseTime), fired.values,
  ]);
  await app.get(TriggerRouter).route(fired);
  await app.get(OrderPlacer).idle();
  return fired;
}

/** The deal a trigger of the bot's first condition opened, if any. */
export async function openDeal(app: TestApp, db: Client, bot: { id: string; conditions: { id: string }[] }): Promise<string | undefined> {
  const fired = await fireTrigger(app, db, bot.conditions[0].id);
  const [deal] = (await db.query(`SELECT id FROM deals WHERE trigger_id = $1`, [fired.triggerId])).rows;
  return deal?.id;
}
