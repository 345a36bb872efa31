import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The paper exchange's resting orders and fills: a limit order keeps the funds it reserved (`reserved`, in the
 * quote currency for a buy, the base currency for a sell) and how far through the candles it has been matched
 * (`checked_until`: candles opening at or after it are still to be looked at); every fill is a row of its own.
 */
export class PaperExchangeV21764000000002 implements MigrationInterface {
  name = 'PaperExchangeV21764000000002';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE paper_orders
        ADD COLUMN reserved numeric NOT NULL DEFAULT 0 CHECK (reserved >= 0),
        ADD COLUMN checked_until timestamptz,
        ADD CONSTRAINT paper_orders_filled_check CHECK (filled >= 0 AND filled <= amount),
        ADD CONSTRAINT paper_orders_status_check CHECK (status IN ('open', 'partially_filled', 'filled', 'canceled', 'rejected'));
      CREATE INDEX paper_orders_open_idx ON paper_orders (exchange_account_id, symbol) WHERE status IN ('open', 'partially_filled');

      CREATE TABLE paper_fills (
        id bigserial PRIMARY KEY,
        order_id text NOT NULL REFERENCES paper_orders(id) ON DELETE CASCADE,
        -- The candle whose range filled a resting order; NULL for a fill on arrival at the decision-time price.
        candle_open_time timestamptz,
        filled_at timestamptz NOT NULL,
        liquidity text NOT NULL CHECK (liquidity IN ('maker', 'taker')),
        amount numeric NOT NULL CHECK (amount > 0),
        price numeric NOT NULL CHECK (price > 0),
        fee numeric NOT NULL CHECK (fee >= 0),
        -- One fill per order and candle, whoever matches it: a second matcher finds nothing left to do.
        UNIQUE (order_id, candle_open_time)
      );
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TABLE paper_fills;
      DROP INDEX paper_orders_open_idx;
      ALTER TABLE paper_orders
        DROP CONSTRAINT paper_orders_status_check,
        DROP CONSTRAINT paper_orders_filled_check,
        DROP COLUMN checked_until,
        DROP COLUMN reserved;
    `);
  }
}
