import { Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpErrorFilter } from './http-error.filter.js';

describe('HttpErrorFilter', () => {
  afterEach(() => vi.restoreAllMocks());

  it('answers a crash with a bare 500, and its log line names the request (outside the handler\'s logging context)', () => {
    const logged = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const sent: unknown[] = [];
    const reply = {
      raw: {},
      request: { id: 'req-7', method: 'POST', url: '/bots' },
      status: (code: number) => ((reply as { code?: number }).code = code, reply),
      send: (body: unknown) => sent.push(body),
    };
    new HttpErrorFilter().answer(reply as unknown as FastifyReply, new TypeError('undefined is not a function'));
    expect(sent).toEqual([{ statusCode: 500, error: 'INTERNAL_ERROR', message: 'Internal server error' }]);
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({ req: { id: 'req-7', method: 'POST', url: '/bots' } }),
      'unhandled error in request',
    );
  });
});
