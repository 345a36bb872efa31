import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest, Principal } from './principal.js';

function principalOf(context: ExecutionContext): Principal {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  // Only a @Public() route has none, and such a route has no account to act for.
  if (!principal) throw new Error('no principal on this request: is the route @Public()?');
  return principal;
}

/** The id of the account the request's token belongs to (the default account for the admin token). */
export const CurrentAccount = createParamDecorator((_data: unknown, context: ExecutionContext): string => principalOf(context).accountId);

/** Who the request acts for: account, whether admin, and which token. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => principalOf(context));
