import { applyDecorators, SetMetadata } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';

export const PUBLIC_ROUTE = 'access:public';
export const ADMIN_ONLY_ROUTE = 'access:admin-only';

/** A route any caller may use without an API token (it may authenticate callers its own way). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Health and metrics: no token and no rate limit, since probes poll often. */
export const Probe = () => applyDecorators(Public(), SkipThrottle());

/** Only the admin token may call this route: 403 for an account's token. */
export const AdminOnly = () => SetMetadata(ADMIN_ONLY_ROUTE, true);
