import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/index.js';
import { REDACTED, REDACTED_PATHS } from './redaction.js';
import { RequestLogContextInterceptor, requestLogFields } from './request-log-context.interceptor.js';

const PINO_LEVEL = { fatal: 'fatal', error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' } as const;

/**
 * Structured JSON logs (pino): each line carries the ids it is about (botId, conditionId, triggerId, dealId,
 * orderId) as fields, and inside a request the request's id; pretty lines when a person watches (LOG_FORMAT).
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // No pino-http middleware: on Fastify its context does not reach the handlers (RequestLogContextInterceptor
        // names the request instead), and with autoLogging off it would only cost a child logger per request.
        forRoutes: [],
        pinoHttp: {
          level: PINO_LEVEL[config.env.LOG_LEVEL],
          redact: { paths: REDACTED_PATHS, censor: REDACTED },
          autoLogging: false,
          mixin: requestLogFields,
          // Request lines carry what identifies the request, never its headers: secrets travel in headers
          // (Authorization, cookies, API keys) and an allowlist cannot miss a new one.
          serializers: { req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }) },
          ...(config.env.LOG_FORMAT === 'pretty' && { transport: { target: 'pino-pretty', options: { singleLine: true } } }),
        },
      }),
    }),
  ],
  providers: [{ provide: APP_INTERCEPTOR, useClass: RequestLogContextInterceptor }],
})
export class LoggingModule {}
