import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import type { Clock } from '../../src/clock/index.js';
import { AppConfig } from '../../src/config/index.js';

/** Replaces a provider everywhere in the app, e.g. a market data source that counts its fetches. */
export interface Override {
  provide: abstract new (...args: any[]) => unknown;
  useValue: unknown;
}

export interface TestApp {
  app: INestApplication;
  baseUrl: string;
  get<T>(token: abstract new (...args: any[]) => T): T;
  http(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** The whole app in this process, on real servers, with cron off: the test drives time and ticks. */
export async function startTestApp(env: Record<string, string>, clock?: Clock, overrides: Override[] = []): Promise<TestApp> {
  const config = AppConfig.fromEnv({ EVALUATOR_CRON: 'off', LOG_LEVEL: 'warn', LOG_FORMAT: 'json', PORT: '0', ...env });
  let builder = Test.createTestingModule({ imports: [AppModule.forRoot({ config, clock })] });
  for (const { provide, useValue } of overrides) builder = builder.overrideProvider(provide).useValue(useValue);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true, bodyParser: false });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    app,
    baseUrl,
    get: (token) => app.get(token as any),
    http: (method, path, body) => request(baseUrl, method, path, body),
    close: () => app.close(),
  };
}

export async function request(baseUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Non-JSON answers are returned as text so tests can assert on them.
  }
  return { status: response.status, body: parsed };
}
