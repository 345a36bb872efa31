import type { Client } from 'pg';
import { performance } from 'node:perf_hooks';

export interface TableRows {
  table: string;
  /** Selects the rows to copy; `$1` is bound to `param`. */
  where: string;
}

const MAX_PARAMS = 65_535;

function toParam(value: unknown): unknown {
  if (value === null || value instanceof Date || Buffer.isBuffer(value) || typeof value !== 'object') return value;
  return JSON.stringify(value);
}

/**
 * The raw write baseline: the same rows, read back, inserted again into empty copies of their tables (same columns,
 * defaults, checks and indexes, no foreign keys) with multi-row INSERTs of up to 1,000 rows. Best of `passes`.
 */
export async function rawInsertBaseline(db: Client, sets: TableRows[], param: unknown, passes = 2): Promise<{ rows: number; ms: number }> {
  const data: { table: string; columns: string[]; rows: unknown[][] }[] = [];
  for (const { table, where } of sets) {
    const result = await db.query(`SELECT * FROM ${table} WHERE ${where}`, [param]);
    const columns = result.fields.map((f) => f.name);
    data.push({ table, columns, rows: result.rows.map((row) => columns.map((c) => toParam(row[c]))) });
    await db.query(`DROP TABLE IF EXISTS bench_copy_${table}; CREATE TABLE bench_copy_${table} (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`);
  }
  let best = Infinity;
  for (let pass = 0; pass < passes; pass++) {
    for (const { table } of data) await db.query(`TRUNCATE bench_copy_${table}`);
    const start = performance.now();
    for (const { table, columns, rows } of data) {
      const chunk = Math.max(1, Math.min(1000, Math.floor(MAX_PARAMS / columns.length)));
      for (let from = 0; from < rows.length; from += chunk) {
        const slice = rows.slice(from, from + chunk);
        const values = slice.map((_, r) => `(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`);
        await db.query(`INSERT INTO bench_copy_${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${values.join(', ')}`, slice.flat());
      }
    }
    best = Math.min(best, performance.now() - start);
  }
  for (const { table } of data) await db.query(`DROP TABLE bench_copy_${table}`);
  return { rows: data.reduce((n, d) => n + d.rows.length, 0), ms: best };
}
