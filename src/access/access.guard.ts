import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { DomainError } from '../common/domain-error.js';
import { AdminToken } from './admin-token.js';
import { ApiTokensService } from './api-tokens.service.js';
import { DEFAULT_ACCOUNT_ID, type AuthenticatedRequest, type Principal } from './principal.js';
import { ADMIN_ONLY_ROUTE, PUBLIC_ROUTE } from './route-access.decorator.js';
import { bearerOf } from './token-secret.js';

export class Unauthenticated extends DomainError {
  constructor() {
    super('UNAUTHORIZED', 'send a valid API token as "Authorization: Bearer <token>" (POST /accounts with the admin token creates an account and its first token)', 401);
  }
}

export class AdminOnlyRoute extends DomainError {
  constructor() {
    super('FORBIDDEN', 'only the admin token (ADMIN_TOKEN) may do this', 403);
  }
}

/** Every route needs a token unless @Public(): the admin token, or an account's unrevoked API token (checked on every request). */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly admin: AdminToken,
    private readonly tokens: ApiTokensService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(bearerOf(request.headers.authorization));
    if (!principal) {
      void http.getResponse<FastifyReply>().header('WWW-Authenticate', 'Bearer');
      throw new Unauthenticated();
    }
    if (this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY_ROUTE, targets) && !principal.admin) throw new AdminOnlyRoute();
    request.principal = principal;
    return true;
  }

  private async authenticate(token: string | undefined): Promise<Principal | undefined> {
    if (!token) return undefined;
    if (this.admin.matches(token)) return { accountId: DEFAULT_ACCOUNT_ID, admin: true, tokenId: null };
    return this.tokens.authenticate(token);
  }
}
