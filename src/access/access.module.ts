import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { AppConfig } from '../config/index.js';
import { AccessGuard } from './access.guard.js';
import { AccountsController } from './accounts.controller.js';
import { AccountsService } from './accounts.service.js';
import { AdminToken } from './admin-token.js';
import { ApiTokensService } from './api-tokens.service.js';
import { SlidingWindowStorage } from './sliding-window-storage.js';
import { TokenThrottlerGuard } from './token-throttler.guard.js';

const tooMany = (_context: unknown, detail: ThrottlerLimitDetail) =>
  `too many requests: at most ${detail.limit} a minute per token; retry in ${detail.timeToBlockExpire} s (the Retry-After header)`;

/** Who may call the API: API tokens per account, the admin token, and a rate limit per token. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ ttl: 60_000, limit: config.env.RATE_LIMIT_PER_MINUTE }],
        storage: new SlidingWindowStorage(),
        errorMessage: tooMany,
      }),
    }),
  ],
  controllers: [AccountsController],
  providers: [
    { provide: AdminToken, inject: [AppConfig], useFactory: (config: AppConfig) => AdminToken.fromConfig(config) },
    ApiTokensService,
    AccountsService,
    // Global guards run in this order: the rate limit first, so that a flood is refused before any token lookup.
    { provide: APP_GUARD, useClass: TokenThrottlerGuard },
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
})
export class AccessModule {}
