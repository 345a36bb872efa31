import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { expect } from 'vitest';
import type { Clock } from '../../src/clock/index.js';
import type { TriggerFiredV1 } from '../../src/event-bus/index.js';
import { ExecutorTicker } from '../../src/executors/index.js';
import { TriggerRouter } from '../../src/notifier/index.js';
import { OrderPlacer, OrderReconciler } from '../../src/trading/index.js';
import type { TestApp } from './test-app.js';

const QUARTER = 15 * 60_000;

/** Cron is off in tests, so the test turns placer, reconciler and ticker itself until the paper fills and deal reactions stop moving. */
export async function settleDeals(app: TestApp): Promise<void> {
  for (let round = 0; round < 3; round++) {
    await app.get(OrderPlacer).idle();
    await app.get(OrderReconciler).runOnce();
    await app.get(ExecutorTicker).tick();
    await app.get(ExecutorTicker).settle();
  }
}

/** Opens a deal the way production does (a recorded trigger on the quarter just closed, routed by the notifier), not by inserting deal rows. */
export async function routeTrigger(app: TestApp, db: Client, bot: { conditions: { id: string }[] }, clock: Clock): Promise<string> {
  const candleOpenTime = Math.floor(clock.now() / QUARTER) * QUARTER - QUARTER;
  const fired: TriggerFiredV1 = {
    triggerId: randomUUID(), conditionId: bot.conditions[0].id, conditionKey: 'k', candleOpenTime, candleCloseTime: candleOpenTime + QUARTER, values: { lhs: 20, rhs: 30, close: null },
  };
  await db.query(`INSERT INTO triggers (id, condition_id, candle_open_time, candle_close_time, "values") VALUES ($1, $2, $3, $4, $5)`, [
    fired.triggerId, fired.conditionId, new Date(candleOpenTime), new Date(fired.candleCloseTime), fired.values,
  ]);
  await app.get(TriggerRouter).route(fired);
  await settleDeals(app);
  const [deal] = (await db.query(`SELECT id FROM deals WHERE trigger_id = $1`, [fired.triggerId])).rows;
  expect(deal, 'the trigger opened a deal').toBeDefined();
  return deal.id;
}
