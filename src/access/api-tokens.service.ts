import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { NotFoundError } from '../common/domain-error.js';
import type { Principal } from './principal.js';
import { TokenCache } from './token-cache.js';
import { hashToken, newToken } from './token-secret.js';

/** A token as issued: the only answer that ever carries it in clear. */
export interface IssuedToken {
  id: string;
  token: string;
  label: string;
  createdAt: string;
}

/** last_used_at is kept to the minute: a write per request would cost more than the information is worth. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * How long a valid token is trusted without asking Postgres again. Revoking through this process is immediate; through
 * another replica it takes effect here within this bound (README, Access). Far below LAST_USED_RESOLUTION_MS, so
 * last_used_at keeps its resolution.
 */
export const TOKEN_CACHE_MS = 5_000;

/**
 * API tokens: issued in clear once, stored as SHA-256 hashes, looked up again at most every TOKEN_CACHE_MS per token,
 * so that revoking takes effect at once in this process and within TOKEN_CACHE_MS in the others.
 */
@Injectable()
export class ApiTokensService {
  private readonly logger = new Logger(ApiTokensService.name);
  private readonly cache = new TokenCache(TOKEN_CACHE_MS);
  /** Bumped by every revocation: a lookup that a revocation overtook must not cache what it read before it. */
  private revocations = 0;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async issue(manager: EntityManager, accountId: string, label: string): Promise<IssuedToken> {
    const token = newToken();
    const [row] = await manager.query(
      `INSERT INTO api_tokens (account_id, token_hash, label) VALUES ($1, $2, $3) RETURNING id, created_at`,
      [accountId, hashToken(token), label],
    );
    this.logger.log({ accountId, tokenId: row.id }, 'API token issued');
    return { id: row.id, token, label, createdAt: row.created_at.toISOString() };
  }

  /** The account of an unrevoked token, or undefined. */
  async authenticate(token: string): Promise<Principal | undefined> {
    const hash = hashToken(token);
    const cached = this.cache.get(hash);
    if (cached) return cached;
    const revocationsBefore = this.revocations;
    const [row]: { id: string; account_id: string; last_used_at: Date | null }[] = await this.db.query(
      `SELECT id, account_id, last_used_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`,
      [hash],
    );
    if (!row) return undefined;
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.db.query(`UPDATE api_tokens SET last_used_at = now() WHERE id = $1`, [row.id]);
    }
    const principal: Principal = { accountId: row.account_id, admin: false, tokenId: row.id };
    if (this.revocations === revocationsBefore) this.cache.set(hash, principal);
    return principal;
  }

  /** The admin may revoke any token, an account only its own: another account's token is a 404, like an unknown one. */
  async revoke(id: string, by: Principal): Promise<void> {
    const [row] = await this.db.query(`SELECT account_id FROM api_tokens WHERE id = $1 AND ($2::boolean OR account_id = $3)`, [id, by.admin, by.accountId]);
    if (!row) throw new NotFoundError('token', id);
    await this.db.query(`UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [id]);
    // Together, with no await between: lookups answered before the revocation are dropped, later ones read it.
    this.revocations++;
    this.cache.forgetToken(id);
    this.logger.log({ tokenId: id, accountId: row.account_id }, 'API token revoked');
  }
}
