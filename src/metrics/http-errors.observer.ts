import type { Server, ServerResponse } from 'node:http';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ErrorLocals } from '../common/http-error.filter.js';
import { Metrics } from './metrics.service.js';

type Answer = ServerResponse & { errorLocals?: ErrorLocals };

/**
 * Counts every error answer by status and error code, whatever produced it (a guard, the body parser, a route):
 * it watches the HTTP server's responses finish, and reads the code the error filter noted on the response.
 */
@Injectable()
export class HttpErrorsObserver implements OnApplicationBootstrap {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    // No HTTP server in an application context without one (a command): nothing to count.
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    server?.on('request', (_request, response: Answer) => {
      if (response.writableFinished) this.count(response);
      else response.once('finish', () => this.count(response));
    });
  }

  private count(response: Answer): void {
    if (response.statusCode < 400) return;
    const locals = response.errorLocals ?? {};
    this.metrics.httpErrors.inc({ status: String(response.statusCode), code: locals.errorCode ?? 'NONE' });
    if (locals.unhandledError !== undefined) this.metrics.countError('http', locals.unhandledError);
  }
}
