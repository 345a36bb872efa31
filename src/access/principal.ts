import type { FastifyRequest } from 'fastify';

/** The account the initial migration seeds: what the admin token acts as, and what it creates belongs to. */
export const DEFAULT_ACCOUNT_ID = '00000000-0000-4000-8000-000000000001';

/** Who a request acts for, set by the AccessGuard once its token is verified. */
export interface Principal {
  accountId: string;
  /** The admin token (ADMIN_TOKEN): may create accounts and act on any account's tokens. */
  admin: boolean;
  /** The API token's id; null for the admin token. */
  tokenId: string | null;
}

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };
