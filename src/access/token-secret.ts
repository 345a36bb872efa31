import { createHash, randomBytes } from 'node:crypto';

/** A new API token: 32 random bytes, base64url, with a prefix that makes a leaked token easy to recognise. */
export function newToken(): string {
  return `tbo_${randomBytes(32).toString('base64url')}`;
}

/**
 * The token's SHA-256 (hex), as stored in api_tokens.token_hash. A fast hash is right for tokens, unlike passwords:
 * 256 random bits leave nothing to guess from a leaked hash, and a slow hash would only tax every request.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerOf(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer +(\S{1,512}) *$/i.exec(header);
  return match?.[1];
}
