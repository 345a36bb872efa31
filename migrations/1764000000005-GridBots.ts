import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Grid bots. A running grid is one deal (its position in `deals`, its orders in `orders` with the legs grid_buy and
 * grid_sell); what is grid-specific lives here: the grid's current range and phase, its lines with what the slot
 * above each line holds, and every completed round trip (a buy and the sell one line above it) with its profit.
 */
export class GridBots1764000000005 implements MigrationInterface {
  name = 'GridBots1764000000005';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE grids (
        deal_id uuid PRIMARY KEY REFERENCES deals(id) ON DELETE CASCADE,
        bot_id uuid NOT NULL,
        phase text NOT NULL CHECK (phase IN ('starting', 'running', 'shifting')),
        generation integer NOT NULL DEFAULT 0,
        lower_price numeric NOT NULL,
        upper_price numeric NOT NULL,
        line_count integer NOT NULL,
        spacing text NOT NULL CHECK (spacing IN ('arithmetic', 'geometric')),
        amount_per_line numeric NOT NULL,
        rebalance_order_id uuid REFERENCES orders(id),
        shift_price numeric,
        out_of_range text CHECK (out_of_range IN ('below', 'above')),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX grids_bot_idx ON grids (bot_id);

      CREATE TABLE grid_lines (
        deal_id uuid NOT NULL REFERENCES grids(deal_id) ON DELETE CASCADE,
        line_index integer NOT NULL,
        price numeric NOT NULL,
        state text CHECK (state IN ('buy', 'sell')),
        order_id uuid REFERENCES orders(id),
        buy_order_id uuid REFERENCES orders(id),
        cost_price numeric,
        PRIMARY KEY (deal_id, line_index)
      );

      CREATE TABLE grid_round_trips (
        id bigserial PRIMARY KEY,
        deal_id uuid NOT NULL REFERENCES grids(deal_id) ON DELETE CASCADE,
        generation integer NOT NULL,
        line_index integer NOT NULL,
        buy_order_id uuid REFERENCES orders(id),
        sell_order_id uuid NOT NULL UNIQUE REFERENCES orders(id),
        amount numeric NOT NULL,
        buy_price numeric NOT NULL,
        sell_price numeric NOT NULL,
        fees numeric NOT NULL,
        profit numeric NOT NULL,
        completed_at timestamptz NOT NULL
      );
      CREATE INDEX grid_round_trips_deal_idx ON grid_round_trips (deal_id, id);
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TABLE grid_round_trips;
      DROP TABLE grid_lines;
      DROP TABLE grids;
    `);
  }
}
