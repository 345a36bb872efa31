import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module.js';
import { configureApp, createHttpAdapter } from '../../src/app.setup.js';
import type { Clock } from '../../src/clock/index.js';
import { AppConfig } from '../../src/config/index.js';

/** The admin token the benchmarks' apps are started with, and the headers that present it. */
export const BENCH_ADMIN_TOKEN = randomBytes(32).toString('hex');
export const AUTHORIZATION = { authorization: `Bearer ${BENCH_ADMIN_TOKEN}` };

/**
 * Settings every benchmark's app gets: a known admin token (so that no token file is generated and HTTP calls can
 * authenticate) and a rate limit out of the way of a load test. Variables the app does not know are ignored by it.
 */
export const BENCH_APP_ENV: Record<string, string> = { ADMIN_TOKEN: BENCH_ADMIN_TOKEN, RATE_LIMIT_PER_MINUTE: '100000000' };

/** Replaces a provider everywhere in the app, e.g. a market data source that counts its fetches. */
export interface Override {
  provide: abstract new (...args: any[]) => unknown;
  useValue: unknown;
}

export interface BenchApp {
  app: INestApplication;
  baseUrl: string;
  get<T>(token: abstract new (...args: any[]) => T): T;
  close(): Promise<void>;
}

/**
 * The whole app in this process, on the real servers, with the cron off: the benchmark drives the clock and the
 * ticks, as the integration tests do. Logs only errors, so that the benchmark's output stays readable.
 */
export async function startBenchApp(env: Record<string, string>, clock?: Clock, overrides: Override[] = []): Promise<BenchApp> {
  const config = AppConfig.fromEnv({ EVALUATOR_CRON: 'off', LOG_LEVEL: 'error', LOG_FORMAT: 'json', PORT: '0', ...BENCH_APP_ENV, ...env });
  let builder = Test.createTestingModule({ imports: [AppModule.forRoot({ config, clock })] });
  for (const { provide, useValue } of overrides) builder = builder.overrideProvider(provide).useValue(useValue);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication(createHttpAdapter(), { bufferLogs: true, bodyParser: false });
  await configureApp(app);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    get: (token) => app.get(token as any),
    close: () => app.close(),
  };
}
