import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A condition may serve one bot in two roles (a grid's start condition can be one of its range edges): a delivery is
 * now unique per (trigger, bot, role). Orders gain the grid's legs.
 */
export class DeliveryRolesAndGridLegs1764000000004 implements MigrationInterface {
  name = 'DeliveryRolesAndGridLegs1764000000004';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE deliveries ADD COLUMN role text NOT NULL DEFAULT 'entry';
      ALTER TABLE deliveries DROP CONSTRAINT deliveries_pkey, ADD PRIMARY KEY (trigger_id, bot_id, role);
      ALTER TABLE orders DROP CONSTRAINT orders_leg_check,
        ADD CONSTRAINT orders_leg_check CHECK (leg IN ('base', 'safety', 'take_profit', 'close', 'grid_buy', 'grid_sell'));
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DELETE FROM orders WHERE leg IN ('grid_buy', 'grid_sell');
      ALTER TABLE orders DROP CONSTRAINT orders_leg_check,
        ADD CONSTRAINT orders_leg_check CHECK (leg IN ('base', 'safety', 'take_profit', 'close'));
      DELETE FROM deliveries WHERE role <> 'entry';
      ALTER TABLE deliveries DROP CONSTRAINT deliveries_pkey, ADD PRIMARY KEY (trigger_id, bot_id);
      ALTER TABLE deliveries DROP COLUMN role;
    `);
  }
}
