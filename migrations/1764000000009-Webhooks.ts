import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbound webhooks per account, and their outbox.
 *
 * `webhooks.secret` is the signing secret sealed with SECRETS_KEY (AES-256-GCM, the webhook id bound as associated
 * data): it must be recoverable to sign, unlike API tokens, which are only compared.
 * `webhook_deliveries` is the outbox: a row is inserted in the transaction of the deal event that causes it, and the
 * dispatcher claims due rows (`next_attempt_at`, market time from the app's clock; `claimed_until`, wall time from
 * Postgres, so that a claim lasts as long in a fast replay as live). `body` is the exact JSON signed on every attempt;
 * `history` holds one entry per attempt. `seq` orders a webhook's deliveries newest first.
 */
export class Webhooks1764000000009 implements MigrationInterface {
  name = 'Webhooks1764000000009';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE webhooks (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        url text NOT NULL,
        events text[] NOT NULL,
        description text,
        secret bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX webhooks_account_idx ON webhooks (account_id);

      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY,
        seq bigserial NOT NULL UNIQUE,
        webhook_id uuid NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
        event text NOT NULL,
        deal_id uuid,
        body text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        claimed_until timestamptz,
        last_status_code integer,
        last_error text,
        history jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL,
        finished_at timestamptz
      );
      CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, seq);
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE webhook_deliveries; DROP TABLE webhooks;`);
  }
}
