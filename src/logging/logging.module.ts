import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/index.js';

const PINO_LEVEL = { fatal: 'fatal', error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' } as const;

/** Every log path that may carry a secret, redacted here and nowhere else. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.apiKey',
  '*.secret',
  '*.password',
  '*.token',
  '*.credentials',
];

/** Structured JSON logs (pino); pretty lines when a person watches a terminal in development. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: PINO_LEVEL[config.env.LOG_LEVEL],
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          autoLogging: false,
          // Request lines carry what identifies the request, never its headers: secrets travel in headers
          // (Authorization, cookies, API keys) and an allowlist cannot miss a new one.
          serializers: { req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }) },
          ...(config.env.LOG_FORMAT === 'pretty' && { transport: { target: 'pino-pretty', options: { singleLine: true } } }),
        },
      }),
    }),
  ],
})
export class LoggingModule {}
