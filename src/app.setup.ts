import { BadRequestException, type INestApplication } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { HttpErrorFilter } from './common/http-error.filter.js';
import { createValidationPipe } from './common/validation.js';
import { serveOpenApiDocs } from './openapi/index.js';

/** The largest JSON body the API reads: a bot with its conditions is a few kB; anything near this is a mistake or abuse. */
export const BODY_LIMIT_BYTES = 100 * 1024;

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Keys that reach an object's prototype are never data: refused while parsing, before any validator sees the body. */
function refusePrototypeKeys(key: string, value: unknown): unknown {
  if (PROTOTYPE_KEYS.has(key)) throw new SyntaxError(`the field name "${key}" is not allowed`);
  return value;
}

/**
 * JSON bodies as clients send them: an empty body is an empty object (its fields are then named as missing).
 * Async because Nest's Fastify adapter takes a two-argument parser's answer from the promise it returns.
 */
async function parseJsonBody(_request: unknown, body: Buffer): Promise<unknown> {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'), refusePrototypeKeys);
  } catch (error) {
    // The error filter names the body as the bad field, and says "nested too deeply" for a parser's RangeError.
    throw new BadRequestException((error as Error).message, { cause: error });
  }
}

const ROUTER_ERRORS = new HttpErrorFilter();

/**
 * Fastify rather than Express: on this API's hot reads the framework was most of the cost (Nest on Express 5 served
 * a constant answer at ≈ 6,800 requests/s on two cores, on Fastify at ≈ 41,000/s; docs/decisions.md).
 * Paths are matched as Express did for clients that add a trailing slash; ids of any length reach the validation
 * pipe, which names the bad one, instead of being a 404 past Fastify's default 100 characters.
 */
export function createHttpAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 10_000 },
    // A path that does not decode (`/bots/%FF`) fails in the router, before Nest's error handler could see it: the
    // error filter answers it (a 400 naming the path) like every other bad request.
    frameworkErrors: (error: Error, _request: FastifyRequest, reply: FastifyReply) =>
      ROUTER_ERRORS.answer(reply, new BadRequestException(error.message, { cause: error })),
  });
}

/**
 * What every instance of the HTTP app needs, in production and in tests alike. It initialises the app: the API docs
 * are served by a Fastify plugin that must come after Nest has installed its error handler, or the plugin's errors
 * (a missing asset) would get Fastify's answer instead of the error filter's.
 */
export async function configureApp(app: INestApplication): Promise<void> {
  const fastify = app as NestFastifyApplication;
  fastify.useLogger(app.get(Logger));
  fastify.useBodyParser('application/json', { bodyLimit: BODY_LIMIT_BYTES }, parseJsonBody);
  fastify.useGlobalPipes(createValidationPipe());
  fastify.useGlobalFilters(new HttpErrorFilter());
  await app.init();
  serveOpenApiDocs(app);
}
