import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';

interface RequestLogFields {
  req: { id: string; method: string; url: string };
}

const requests = new AsyncLocalStorage<RequestLogFields>();

/** The fields of the request being handled, for pino's `mixin`: every line logged while handling it carries them. */
export function requestLogFields(): RequestLogFields | object {
  return requests.getStore() ?? {};
}

/**
 * Runs each route's handler (its pipes included) in a context that names its request, so that every line the
 * request causes carries `req: {id, method, url}` (the id is Fastify's). Not pino-http's middleware: on Fastify the
 * body is parsed after middleware, in callbacks of the socket's events, which leave the middleware's context. A
 * mixin rather than a child logger per request: nothing is built for a request that logs nothing.
 */
@Injectable()
export class RequestLogContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const { id, method, url } = context.switchToHttp().getRequest<FastifyRequest>();
    const fields = { req: { id, method, url } };
    return new Observable((subscriber) => requests.run(fields, () => next.handle().subscribe(subscriber)));
  }
}
