import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { bearerOf, hashToken } from './token-secret.js';

/**
 * RATE_LIMIT_PER_MINUTE per token across all routes (keyed by the token's hash, never the token), or per IP for
 * requests without one. It runs before the AccessGuard, so a flood is refused before any token is looked up.
 * Counts are kept in this process: with N replicas a token gets up to N times the limit.
 */
@Injectable()
export class TokenThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, any>): Promise<string> {
    const token = bearerOf(req.headers?.authorization);
    return token ? `token:${hashToken(token)}` : `ip:${await super.getTracker(req)}`;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttler: string): string {
    return `${throttler}:${tracker}`;
  }
}
