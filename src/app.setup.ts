import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { HttpErrorFilter } from './common/http-error.filter.js';
import { createValidationPipe } from './common/validation.js';

/** What every instance of the HTTP app needs, in production and in tests alike. */
export function configureApp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.useLogger(app.get(Logger));
  express.useBodyParser('json', { limit: '100kb' });
  express.useGlobalPipes(createValidationPipe());
  express.useGlobalFilters(new HttpErrorFilter());
  express.disable('x-powered-by');
  app.enableShutdownHooks();
}
