import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module.js';
import { configureApp, createHttpAdapter } from '../../src/app.setup.js';
import type { Clock } from '../../src/clock/index.js';
import { AppConfig } from '../../src/config/index.js';

/** Replaces a provider everywhere in the app, e.g. a market data source that counts its fetches. */
export interface Override {
  provide: abstract new (...args: any[]) => unknown;
  useValue: unknown;
}

export interface RequestOptions {
  /** The bearer token to send: by default the admin token of the app at that address (if known); null sends none. */
  token?: string | null;
  headers?: Record<string, string>;
}

export interface HttpAnswer {
  status: number;
  body: any;
}

export interface TestApp {
  app: INestApplication;
  baseUrl: string;
  /** The ADMIN_TOKEN the app was started with; http() sends it unless told otherwise. */
  adminToken: string;
  get<T>(token: abstract new (...args: any[]) => T): T;
  http(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<HttpAnswer>;
  close(): Promise<void>;
}

/** Admin tokens of the apps the tests started, by base URL: what request() and the fuzzer's client send by default. */
const adminTokens = new Map<string, string>();

export function rememberAdminToken(baseUrl: string, token: string): void {
  adminTokens.set(baseUrl, token);
}

export function adminTokenOf(baseUrl: string): string | undefined {
  return adminTokens.get(baseUrl);
}

export const randomAdminToken = () => `admin_${randomBytes(24).toString('hex')}`;

/**
 * The whole app in this process, on real servers, with cron off: the test drives time and ticks. It gets a random
 * ADMIN_TOKEN and a rate limit no test reaches, unless `env` sets them.
 */
export async function startTestApp(env: Record<string, string>, clock?: Clock, overrides: Override[] = []): Promise<TestApp> {
  const config = AppConfig.fromEnv({
    EVALUATOR_CRON: 'off', LOG_LEVEL: 'warn', LOG_FORMAT: 'json', PORT: '0', ADMIN_TOKEN: randomAdminToken(), RATE_LIMIT_PER_MINUTE: '1000000', ...env,
  });
  const adminToken = config.env.ADMIN_TOKEN!;
  let builder = Test.createTestingModule({ imports: [AppModule.forRoot({ config, clock })] });
  for (const { provide, useValue } of overrides) builder = builder.overrideProvider(provide).useValue(useValue);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication(createHttpAdapter(), { bufferLogs: true, bodyParser: false });
  await configureApp(app);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  rememberAdminToken(baseUrl, adminToken);
  return {
    app,
    baseUrl,
    adminToken,
    get: (token) => app.get(token as any),
    http: (method, path, body, options) => request(baseUrl, method, path, body, options),
    close: () => app.close(),
  };
}

export async function request(baseUrl: string, method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<HttpAnswer> {
  const token = options.token === undefined ? adminTokenOf(baseUrl) : options.token;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(token && { authorization: `Bearer ${token}` }),
      ...options.headers,
    },
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
