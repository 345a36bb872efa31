import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Live exchange accounts (encrypted credentials, market rules), the placement protocol's state, and fills. */
export class ExchangeAccountsAndPlacement1764000000001 implements MigrationInterface {
  name = 'ExchangeAccountsAndPlacement1764000000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE exchange_accounts
        ADD COLUMN markets jsonb,
        ADD COLUMN validated_at timestamptz,
        ADD COLUMN deleted_at timestamptz;

      ALTER TABLE orders
        ADD COLUMN send_started_at timestamptz,
        ADD COLUMN attempts integer NOT NULL DEFAULT 0,
        ADD COLUMN next_attempt_at timestamptz,
        ADD COLUMN not_found_count integer NOT NULL DEFAULT 0,
        ADD COLUMN first_not_found_at timestamptz;

      ALTER TABLE deals ADD COLUMN last_error text;

      CREATE TABLE fills (
        id bigserial PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
        amount numeric NOT NULL CHECK (amount > 0),
        price numeric NOT NULL,
        fee numeric NOT NULL DEFAULT 0,
        fee_currency text,
        recorded_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX fills_order_idx ON fills (order_id);
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TABLE fills;
      ALTER TABLE deals DROP COLUMN last_error;
      ALTER TABLE orders DROP COLUMN send_started_at, DROP COLUMN attempts, DROP COLUMN next_attempt_at,
        DROP COLUMN not_found_count, DROP COLUMN first_not_found_at;
      ALTER TABLE exchange_accounts DROP COLUMN markets, DROP COLUMN validated_at, DROP COLUMN deleted_at;
    `);
  }
}
