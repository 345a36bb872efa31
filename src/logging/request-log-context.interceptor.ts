import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { Observable } from 'rxjs';

/**
 * Runs each route's handler (its pipes included) in a logging context bound to its request, so that every line the
 * request causes carries `req: {id, method, url}` (the id is Fastify's). Not pino-http's middleware: on Fastify the
 * body is parsed after middleware, in callbacks of the socket's events, which leave the middleware's context.
 */
@Injectable()
export class RequestLogContextInterceptor implements NestInterceptor {
  constructor(private readonly logger: PinoLogger) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const { id, method, url } = context.switchToHttp().getRequest<FastifyRequest>();
    const req = { id, method, url };
    return new Observable((subscriber) => this.logger.runInContext(() => next.handle().subscribe(subscriber), { bindings: { req } }));
  }
}
