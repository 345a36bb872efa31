import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Signals from outside (TradingView-style alerts): a per-bot secret (hashed) and how late a signal may arrive. */
export class Signals1764000000008 implements MigrationInterface {
  name = 'Signals1764000000008';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE bots ADD COLUMN signal_secret_hash text, ADD COLUMN signal_max_lag integer;
      CREATE INDEX conditions_kind_idx ON conditions ((definition->>'kind'));
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX conditions_kind_idx; ALTER TABLE bots DROP COLUMN signal_secret_hash, DROP COLUMN signal_max_lag;`);
  }
}
