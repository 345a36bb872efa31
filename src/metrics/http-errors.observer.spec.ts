import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger, ServiceUnavailableException, type ArgumentsHost } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../common/domain-error.js';
import { HttpErrorFilter } from '../common/http-error.filter.js';
import { HttpErrorsObserver } from './http-errors.observer.js';
import { Metrics } from './metrics.service.js';

/** What the filter uses of a Fastify reply, around a plain Node response. */
function fastifyLike(response: ServerResponse) {
  const reply = {
    raw: response,
    status: (code: number) => Object.assign(reply, { statusCode: (response.statusCode = code) }),
    send: (body: unknown) => response.end(JSON.stringify(body)),
  };
  return reply;
}

/** Each path throws a different kind of error through the app's one filter. */
const THROWN: Record<string, () => unknown> = {
  '/crash': () => new TypeError('undefined is not a function'),
  '/missing': () => new NotFoundError('bot', 'b-1'),
  // As the health check answers: `error` names what is degraded.
  '/degraded': () => new ServiceUnavailableException({ status: 'error', error: { database: { status: 'down' } }, details: {} }),
};

describe('HTTP error answers are counted by status and code, crashes by error class', () => {
  const metrics = new Metrics();
  let server: Server;
  let base: string;

  beforeAll(async () => {
    // The filter logs each crash with its stack: expected here, so kept out of the test output.
    Logger.overrideLogger(false);
    const filter = new HttpErrorFilter();
    server = createServer((request, response) => {
      const thrown = THROWN[request.url ?? ''];
      if (!thrown) return void response.end('ok');
      const host = { switchToHttp: () => ({ getResponse: () => fastifyLike(response) }) } as unknown as ArgumentsHost;
      filter.catch(thrown(), host);
    });
    new HttpErrorsObserver({ httpAdapter: { getHttpServer: () => server } } as unknown as HttpAdapterHost, metrics).onApplicationBootstrap();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('counts each error answer once, and only a crash as an error of the app', async () => {
    for (const path of ['/crash', '/crash', '/missing', '/degraded', '/fine']) await (await fetch(`${base}${path}`)).text();
    const answers = (await metrics.httpErrors.get()).values.map(({ labels, value }) => ({ ...labels, value }));
    expect(answers).toEqual(expect.arrayContaining([
      { status: '500', code: 'INTERNAL_ERROR', value: 2 },
      { status: '404', code: 'BOT_NOT_FOUND', value: 1 },
      { status: '503', code: 'SERVICE_UNAVAILABLE', value: 1 },
    ]));
    expect(answers).toHaveLength(3);
    expect((await metrics.errors.get()).values.map(({ labels, value }) => ({ ...labels, value }))).toEqual([{ component: 'http', type: 'TypeError', value: 2 }]);
  });
});
