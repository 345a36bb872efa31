import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Which instance evaluates which series, until when: replicas share the evaluator's work without doing any twice. */
export class SeriesLeases1764000000006 implements MigrationInterface {
  name = 'SeriesLeases1764000000006';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE series_leases (
        series_key text PRIMARY KEY,
        holder text NOT NULL,
        expires_at timestamptz NOT NULL
      );
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE series_leases`);
  }
}
