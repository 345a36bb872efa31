import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { HttpErrorFilter } from './common/http-error.filter.js';
import { createValidationPipe } from './common/validation.js';
import { serveOpenApiDocs } from './openapi/index.js';

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Keys that reach an object's prototype are never data: refused while parsing, before any validator sees the body. */
function refusePrototypeKeys(key: string, value: unknown): unknown {
  if (PROTOTYPE_KEYS.has(key)) throw new SyntaxError(`the field name "${key}" is not allowed`);
  return value;
}

/** What every instance of the HTTP app needs, in production and in tests alike. */
export function configureApp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.useLogger(app.get(Logger));
  express.useBodyParser('json', { limit: '100kb', reviver: refusePrototypeKeys });
  express.useGlobalPipes(createValidationPipe());
  express.useGlobalFilters(new HttpErrorFilter());
  express.disable('x-powered-by');
  serveOpenApiDocs(app);
}
