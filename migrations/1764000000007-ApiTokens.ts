import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API tokens: each belongs to an account; only its hash is stored.
 *
 * `token_hash` is the SHA-256 (hex) of the token. A fast hash is right here, unlike for passwords: a token is 32
 * random bytes (256 bits of entropy), so there is nothing to guess from a leaked hash, and a slow hash (bcrypt,
 * scrypt) would only add its cost to every request. Being deterministic, the hash is also the lookup key.
 */
export class ApiTokens1764000000007 implements MigrationInterface {
  name = 'ApiTokens1764000000007';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE api_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        label text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        last_used_at timestamptz
      );
      CREATE INDEX api_tokens_account_idx ON api_tokens (account_id);
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE api_tokens`);
  }
}
