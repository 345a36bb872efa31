import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The seed flow: registry, bots, triggers and their deliveries, deals and orders, the paper exchange. */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO accounts (id, name) VALUES ('00000000-0000-4000-8000-000000000001', 'default');

      CREATE TABLE exchange_accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts(id),
        exchange text NOT NULL,
        label text NOT NULL,
        sandbox boolean NOT NULL DEFAULT false,
        credentials bytea,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO exchange_accounts (id, account_id, exchange, label)
        VALUES ('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000001', 'paper', 'default paper account');

      CREATE TABLE paper_balances (
        exchange_account_id uuid NOT NULL REFERENCES exchange_accounts(id) ON DELETE CASCADE,
        asset text NOT NULL,
        free numeric NOT NULL CHECK (free >= 0),
        used numeric NOT NULL DEFAULT 0 CHECK (used >= 0),
        PRIMARY KEY (exchange_account_id, asset)
      );

      CREATE TABLE paper_orders (
        id text PRIMARY KEY,
        exchange_account_id uuid NOT NULL REFERENCES exchange_accounts(id) ON DELETE CASCADE,
        client_order_id text NOT NULL,
        symbol text NOT NULL,
        side text NOT NULL,
        type text NOT NULL,
        price numeric,
        amount numeric NOT NULL,
        filled numeric NOT NULL DEFAULT 0,
        average numeric,
        fee numeric NOT NULL DEFAULT 0,
        status text NOT NULL,
        created_at timestamptz NOT NULL,
        UNIQUE (exchange_account_id, client_order_id)
      );

      CREATE TABLE bots (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts(id),
        exchange_account_id uuid NOT NULL REFERENCES exchange_accounts(id),
        name text NOT NULL,
        type text NOT NULL,
        exchange text NOT NULL,
        symbol text NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'stopped')),
        settings jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      );
      CREATE INDEX bots_account_idx ON bots (account_id) WHERE deleted_at IS NULL;

      CREATE TABLE conditions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        key text NOT NULL UNIQUE,
        exchange text NOT NULL,
        symbol text NOT NULL,
        timeframe text NOT NULL,
        definition jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        registered_at timestamptz NOT NULL,
        last_candle_open_time timestamptz,
        last_state boolean,
        last_values jsonb
      );
      CREATE INDEX conditions_series_idx ON conditions (exchange, symbol, timeframe);

      CREATE TABLE subscriptions (
        bot_id uuid NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
        condition_id uuid NOT NULL REFERENCES conditions(id),
        role text NOT NULL DEFAULT 'entry',
        last_triggered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (bot_id, condition_id, role)
      );
      CREATE INDEX subscriptions_condition_idx ON subscriptions (condition_id);

      CREATE TABLE condition_evaluations (
        condition_id uuid NOT NULL REFERENCES conditions(id) ON DELETE CASCADE,
        candle_open_time timestamptz NOT NULL,
        state boolean NOT NULL,
        "values" jsonb NOT NULL,
        PRIMARY KEY (condition_id, candle_open_time)
      );

      CREATE TABLE triggers (
        id uuid PRIMARY KEY,
        seq bigserial NOT NULL UNIQUE,
        condition_id uuid NOT NULL REFERENCES conditions(id),
        candle_open_time timestamptz NOT NULL,
        candle_close_time timestamptz NOT NULL,
        "values" jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        handled_at timestamptz,
        UNIQUE (condition_id, candle_open_time)
      );
      CREATE INDEX triggers_unpublished_idx ON triggers (seq) WHERE published_at IS NULL;
      CREATE INDEX triggers_unhandled_idx ON triggers (seq) WHERE handled_at IS NULL;

      CREATE TABLE deliveries (
        trigger_id uuid NOT NULL REFERENCES triggers(id),
        bot_id uuid NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
        outcome text NOT NULL CHECK (outcome IN ('executed', 'skipped', 'refused')),
        reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (trigger_id, bot_id)
      );
      CREATE INDEX deliveries_bot_idx ON deliveries (bot_id, created_at);

      CREATE TABLE deals (
        id uuid PRIMARY KEY,
        bot_id uuid NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
        exchange_account_id uuid NOT NULL REFERENCES exchange_accounts(id),
        symbol text NOT NULL,
        direction text NOT NULL CHECK (direction IN ('long', 'short')),
        status text NOT NULL CHECK (status IN ('open', 'closed', 'canceled')),
        trigger_id uuid REFERENCES triggers(id),
        opened_at timestamptz NOT NULL,
        closed_at timestamptz,
        amount numeric NOT NULL DEFAULT 0,
        cost numeric NOT NULL DEFAULT 0,
        average_entry numeric,
        fees numeric NOT NULL DEFAULT 0,
        realized_pnl numeric NOT NULL DEFAULT 0,
        close_reason text
      );
      CREATE INDEX deals_bot_idx ON deals (bot_id, status);

      CREATE TABLE orders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_order_id text NOT NULL UNIQUE,
        exchange_account_id uuid NOT NULL REFERENCES exchange_accounts(id),
        bot_id uuid REFERENCES bots(id) ON DELETE SET NULL,
        deal_id uuid REFERENCES deals(id) ON DELETE SET NULL,
        trigger_id uuid REFERENCES triggers(id),
        symbol text NOT NULL,
        side text NOT NULL CHECK (side IN ('buy', 'sell')),
        type text NOT NULL CHECK (type IN ('market', 'limit')),
        price numeric,
        amount numeric,
        quote_amount numeric,
        status text NOT NULL CHECK (status IN ('pending', 'open', 'partially_filled', 'filled', 'canceled', 'rejected')),
        filled numeric NOT NULL DEFAULT 0,
        average numeric,
        fee numeric NOT NULL DEFAULT 0,
        fee_currency text,
        exchange_order_id text,
        error text,
        decided_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX orders_bot_idx ON orders (bot_id, created_at);
      CREATE INDEX orders_unsettled_idx ON orders (status) WHERE status IN ('pending', 'open', 'partially_filled');
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TABLE orders, deals, deliveries, triggers, condition_evaluations, subscriptions, conditions,
        bots, paper_orders, paper_balances, exchange_accounts, accounts;
    `);
  }
}
