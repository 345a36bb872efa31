import type { Client } from 'pg';
import { DEFAULT_PAPER_ACCOUNT_ID } from '../../src/exchange/index.js';
import { canonicalKey, normalizeCondition, type ConditionDefinition, type ConditionInput } from '../../src/registry/index.js';

/** The default account the initial migration creates: every benchmark bot belongs to it. */
const DEFAULT_ACCOUNT_ID = '00000000-0000-4000-8000-000000000001';

/** Market time at which the benchmarks' conditions are registered: a minute boundary. */
export const ORIGIN = Date.UTC(2024, 0, 1);
export const MINUTE = 60_000;
export const TIMEFRAME = '1m';

export function symbolOf(series: number): string {
  return `S${series}/USDT`;
}

type Template = (variant: number) => Omit<ConditionInput, 'timeframe'> | null;

const MACD = { fast: 12, slow: 26, signal: 9 };

/**
 * Condition shapes a user would write, each with variants (thresholds, periods) so that a series can hold many
 * distinct conditions. Threshold variants share their indicator; period variants add indicators to the series.
 */
const TEMPLATES: Template[] = [
  (v) => ({ indicator: 'rsi', params: { period: 14 }, operator: 'lt', value: 30 - v * 0.25 }),
  (v) => ({ indicator: 'rsi', params: { period: 14 }, operator: 'gt', value: 70 + v * 0.25 }),
  (v) => ({ indicator: 'rsi', params: { period: 7 }, operator: 'crosses_below', value: 25 - v * 0.25 }),
  (v) => ({ indicator: 'bollinger', params: { period: 20, stdDev: 2 }, output: 'percentB', operator: 'lt', value: 0.05 + v * 0.01 }),
  (v) => ({ indicator: 'macd', params: MACD, output: 'histogram', operator: 'crosses_above', value: v * 0.0001 }),
  (v) => (v < 8 ? { indicator: 'ema', params: { period: 9 + v }, operator: 'crosses_above', value: { indicator: 'ema', params: { period: 21 } } } : null),
  (v) => (v < 4 ? { indicator: 'price', operator: 'gt', value: { indicator: 'sma', params: { period: 50 * (v + 1) } } } : null),
  (v) => (v === 0 ? { indicator: 'macd', params: MACD, output: 'line', operator: 'crosses_above', value: { indicator: 'macd', params: MACD, output: 'signal' } } : null),
];

export interface BenchCondition {
  series: number;
  symbol: string;
  definition: ConditionDefinition;
  key: string;
}

/** `perSeries` distinct conditions on each of `seriesCount` one-minute series, in order series by series. */
export function benchConditions(seriesCount: number, perSeries: number): BenchCondition[] {
  const conditions: BenchCondition[] = [];
  for (let series = 0; series < seriesCount; series++) {
    const symbol = symbolOf(series);
    let made = 0;
    for (let variant = 0; made < perSeries; variant++) {
      for (const template of TEMPLATES) {
        const input = template(variant);
        if (!input || made >= perSeries) continue;
        const definition = normalizeCondition({ timeframe: TIMEFRAME, ...input }, { exchange: 'paper', symbol }, 'bench');
        conditions.push({ series, symbol, definition, key: canonicalKey(definition) });
        made++;
      }
    }
  }
  return conditions;
}

/** Inserts the registry rows as `RegistryService.register` would (registered at `registeredAt`); returns ids in input order. */
export async function insertConditions(db: Client, conditions: BenchCondition[], registeredAt = ORIGIN): Promise<string[]> {
  const rows: { id: string; key: string }[] = [];
  for (let start = 0; start < conditions.length; start += 5000) {
    const chunk = conditions.slice(start, start + 5000);
    const result = await db.query(
      `INSERT INTO conditions (key, exchange, symbol, timeframe, definition, registered_at)
       SELECT k, e, s, t, d, $6 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[]) AS x(k, e, s, t, d)
       RETURNING id, key`,
      [
        chunk.map((c) => c.key),
        chunk.map((c) => c.definition.exchange),
        chunk.map((c) => c.definition.symbol),
        chunk.map((c) => c.definition.timeframe),
        chunk.map((c) => JSON.stringify(c.definition)),
        new Date(registeredAt),
      ],
    );
    rows.push(...result.rows);
  }
  const idByKey = new Map(rows.map((row) => [row.key, row.id]));
  return conditions.map((c) => idByKey.get(c.key)!);
}

export interface BotSeed {
  /** Bot numbers `from`..`to` inclusive; bot g trades series g % seriesCount. */
  from: number;
  to: number;
  seriesCount: number;
  perSeries: number;
  /** Condition ids ordered series by series (as `benchConditions` makes them). */
  conditionIds: string[];
  /** Entry conditions per bot, all on its own series (AND). */
  conditionsPerBot: number;
  status?: 'running' | 'stopped';
  settings?: Record<string, unknown>;
}

export const DCA_SETTINGS = { baseOrderSize: 10, orderType: 'market' };

/**
 * DCA bots on the default paper account and their subscriptions, written in bulk with SQL for setup speed: the same
 * rows `POST /bots` writes (a bot row, and one subscription per entry condition).
 */
export async function insertBots(db: Client, seed: BotSeed): Promise<void> {
  const symbols = Array.from({ length: seed.seriesCount }, (_, s) => symbolOf(s));
  const chunk = 25_000;
  for (let from = seed.from; from <= seed.to; from += chunk) {
    const to = Math.min(seed.to, from + chunk - 1);
    await db.query(
      `WITH made AS (
         INSERT INTO bots (account_id, exchange_account_id, name, type, exchange, symbol, status, settings)
         SELECT $1, $2, 'bench ' || g, 'dca', 'paper', ($3::text[])[g % $4 + 1], $5, $6::jsonb
         FROM generate_series($7::int, $8::int) AS g
         RETURNING id, substring(name from 7)::int AS g)
       INSERT INTO subscriptions (bot_id, condition_id, role)
       SELECT made.id, ($9::uuid[])[(made.g % $4) * $10 + ((made.g / $4 + j) % $10) + 1], 'entry'
       FROM made CROSS JOIN generate_series(0, $11::int - 1) AS j
       ON CONFLICT DO NOTHING`,
      [
        DEFAULT_ACCOUNT_ID, DEFAULT_PAPER_ACCOUNT_ID, symbols, seed.seriesCount, seed.status ?? 'running',
        JSON.stringify(seed.settings ?? DCA_SETTINGS), from, to, seed.conditionIds, seed.perSeries, seed.conditionsPerBot,
      ],
    );
  }
  // A steady-state database: freshly bulk-loaded tables would otherwise be vacuumed by autovacuum during the
  // measurement, and their index-only scans would still visit the heap.
  for (const table of ['bots', 'subscriptions', 'conditions']) await db.query(`VACUUM (ANALYZE) ${table}`);
}
