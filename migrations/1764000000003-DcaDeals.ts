import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Full DCA deals: the ladder's progress, exits' state, a timeline per deal, order legs, and risk limits per account. */
export class DcaDeals1764000000003 implements MigrationInterface {
  name = 'DcaDeals1764000000003';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE deals
        ADD COLUMN phase text NOT NULL DEFAULT 'opening' CHECK (phase IN ('opening', 'active', 'closing', 'done')),
        ADD COLUMN settings jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN entry_amount numeric NOT NULL DEFAULT 0,
        ADD COLUMN entry_value numeric NOT NULL DEFAULT 0,
        ADD COLUMN entry_fees numeric NOT NULL DEFAULT 0,
        ADD COLUMN exit_amount numeric NOT NULL DEFAULT 0,
        ADD COLUMN exit_value numeric NOT NULL DEFAULT 0,
        ADD COLUMN exit_fees numeric NOT NULL DEFAULT 0,
        ADD COLUMN base_price numeric,
        ADD COLUMN safety_orders_filled integer NOT NULL DEFAULT 0,
        ADD COLUMN take_profit_price numeric,
        ADD COLUMN stop_loss_price numeric,
        ADD COLUMN trailing_peak numeric,
        ADD COLUMN stop_loss_since timestamptz,
        ADD COLUMN checked_until timestamptz,
        ADD COLUMN last_price numeric,
        ADD COLUMN close_requested_reason text;
      CREATE INDEX deals_open_idx ON deals (exchange_account_id) WHERE status = 'open';

      ALTER TABLE orders
        ADD COLUMN leg text NOT NULL DEFAULT 'base' CHECK (leg IN ('base', 'safety', 'take_profit', 'close')),
        ADD COLUMN leg_index integer NOT NULL DEFAULT 0,
        ADD COLUMN cancel_requested_at timestamptz;
      CREATE INDEX orders_deal_idx ON orders (deal_id);

      CREATE TABLE deal_events (
        id bigserial PRIMARY KEY,
        deal_id uuid NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
        at timestamptz NOT NULL,
        type text NOT NULL,
        reason text,
        data jsonb NOT NULL DEFAULT '{}',
        recorded_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX deal_events_deal_idx ON deal_events (deal_id, id);

      CREATE TABLE risk_settings (
        exchange_account_id uuid PRIMARY KEY REFERENCES exchange_accounts(id) ON DELETE CASCADE,
        max_exposure numeric,
        max_open_deals integer,
        daily_loss_limit numeric,
        stoploss_guard jsonb,
        paused_until timestamptz,
        kill_switch_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TABLE risk_settings;
      DROP TABLE deal_events;
      DROP INDEX orders_deal_idx;
      ALTER TABLE orders DROP COLUMN leg, DROP COLUMN leg_index, DROP COLUMN cancel_requested_at;
      DROP INDEX deals_open_idx;
      ALTER TABLE deals DROP COLUMN phase, DROP COLUMN settings, DROP COLUMN entry_amount, DROP COLUMN entry_value,
        DROP COLUMN entry_fees, DROP COLUMN exit_amount, DROP COLUMN exit_value, DROP COLUMN exit_fees, DROP COLUMN base_price, DROP COLUMN safety_orders_filled,
        DROP COLUMN take_profit_price, DROP COLUMN stop_loss_price, DROP COLUMN trailing_peak, DROP COLUMN stop_loss_since,
        DROP COLUMN checked_until, DROP COLUMN last_price, DROP COLUMN close_requested_reason;
    `);
  }
}
