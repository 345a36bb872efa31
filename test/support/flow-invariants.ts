import { expect } from 'vitest';
import type { Client } from 'pg';

const TIMEFRAME_MS: Record<string, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000 };

const count = async (db: Client, sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows.length;

/**
 * What must hold after any run, however often the app was killed or however many replicas shared it,
 * read from the database alone: nothing evaluated twice or skipped, no trigger lost or doubled, none undelivered,
 * no order doubled or unknown.
 */
export async function assertFlowInvariants(db: Client): Promise<{ evaluations: number; triggers: number; deliveries: number; orders: number }> {
  const perCondition = (await db.query(
    `SELECT c.id, c.timeframe, count(*)::int AS n, min(e.candle_open_time) AS first, max(e.candle_open_time) AS last
     FROM condition_evaluations e JOIN conditions c ON c.id = e.condition_id GROUP BY c.id, c.timeframe`,
  )).rows;
  for (const row of perCondition) {
    const expected = (row.last.getTime() - row.first.getTime()) / TIMEFRAME_MS[row.timeframe] + 1;
    expect(row.n, `condition ${row.id}: one evaluation per closed candle, no gap`).toBe(expected);
  }

  const notTransitions = await count(db,
    `SELECT t.id FROM triggers t JOIN conditions c ON c.id = t.condition_id
     LEFT JOIN condition_evaluations now ON now.condition_id = t.condition_id AND now.candle_open_time = t.candle_open_time
     LEFT JOIN condition_evaluations prev ON prev.condition_id = t.condition_id
       AND prev.candle_open_time = t.candle_open_time - (CASE c.timeframe WHEN '1m' THEN interval '1 minute' WHEN '5m' THEN interval '5 minutes'
                                                          WHEN '15m' THEN interval '15 minutes' ELSE interval '1 hour' END)
     WHERE now.state IS NOT TRUE OR prev.state IS NOT FALSE`);
  expect(notTransitions, 'every trigger is a false → true transition of its condition').toBe(0);

  const unhandled = await count(db, `SELECT id FROM triggers WHERE handled_at IS NULL OR published_at IS NULL`);
  expect(unhandled, 'every trigger published and handled').toBe(0);
  const undelivered = await count(db,
    `SELECT t.id FROM triggers t JOIN subscriptions s ON s.condition_id = t.condition_id JOIN bots b ON b.id = s.bot_id AND b.status = 'running'
     LEFT JOIN deliveries d ON d.trigger_id = t.id AND d.bot_id = s.bot_id AND d.role = s.role WHERE d.bot_id IS NULL`);
  expect(undelivered, 'every trigger reached every subscribed bot').toBe(0);

  const executedWithoutDeal = await count(db,
    `SELECT d.trigger_id FROM deliveries d WHERE d.outcome = 'executed' AND d.role = 'entry'
       AND (SELECT count(*) FROM deals x WHERE x.bot_id = d.bot_id AND x.trigger_id = d.trigger_id) <> 1`);
  expect(executedWithoutDeal, 'each executed entry opened exactly one deal').toBe(0);
  const doubledBase = await count(db, `SELECT deal_id FROM orders WHERE leg = 'base' GROUP BY deal_id HAVING count(*) > 1`);
  expect(doubledBase, 'one base order per deal').toBe(0);
  const pending = await count(db, `SELECT id FROM orders WHERE status = 'pending'`);
  expect(pending, 'no order left pending').toBe(0);
  const unknownToApp = await count(db,
    `SELECT p.id FROM paper_orders p LEFT JOIN orders o ON o.client_order_id = p.client_order_id AND o.exchange_order_id = p.id WHERE o.id IS NULL`);
  expect(unknownToApp, 'every exchange order is known to the app').toBe(0);
  const missingOnExchange = await count(db,
    `SELECT o.id FROM orders o LEFT JOIN paper_orders p ON p.client_order_id = o.client_order_id WHERE o.status IN ('open', 'partially_filled', 'filled') AND p.id IS NULL`);
  expect(missingOnExchange, 'every order the app counts as placed is on the exchange').toBe(0);

  const totals = (await db.query(
    `SELECT (SELECT count(*) FROM condition_evaluations)::int AS evaluations, (SELECT count(*) FROM triggers)::int AS triggers,
            (SELECT count(*) FROM deliveries)::int AS deliveries, (SELECT count(*) FROM orders)::int AS orders`,
  )).rows[0];
  return totals;
}

/** Waits until no trigger is unhandled and no order pending, twice in a row a moment apart (fills can spawn orders). */
export async function waitUntilDrained(db: Client, timeoutMs = 60_000): Promise<void> {
  const leftovers = async () => (await db.query(
    `SELECT (SELECT count(*) FROM triggers WHERE handled_at IS NULL)::int + (SELECT count(*) FROM orders WHERE status = 'pending')::int AS n`,
  )).rows[0].n;
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 2) {
    if (Date.now() > deadline) throw new Error(`not drained after ${timeoutMs} ms: ${await leftovers()} trigger(s) or order(s) left`);
    quiet = (await leftovers()) === 0 ? quiet + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
