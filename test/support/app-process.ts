import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { randomAdminToken, rememberAdminToken, request, type RequestOptions } from './test-app.js';
import { waitFor } from './wait-for.js';

export const MAIN = 'dist/src/main.js';

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The built app as a real process: what a deployment runs, so it can be SIGKILLed at any point. */
export class AppProcess {
  output = '';
  private child?: ChildProcess;
  private exited?: Promise<number | null>;

  private constructor(
    readonly baseUrl: string,
    private readonly env: Record<string, string>,
  ) {}

  /** With a random ADMIN_TOKEN (sent by http()) and a rate limit no test reaches, unless `env` sets them. */
  static async start(env: Record<string, string>): Promise<AppProcess> {
    const port = await freePort();
    const app = new AppProcess(`http://127.0.0.1:${port}`, { ADMIN_TOKEN: randomAdminToken(), RATE_LIMIT_PER_MINUTE: '1000000', ...env, PORT: String(port) });
    rememberAdminToken(app.baseUrl, app.adminToken);
    app.spawn();
    await app.ready();
    return app;
  }

  private spawn(): void {
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', LOG_FORMAT: 'json', LOG_LEVEL: 'warn', ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk) => (this.output += chunk));
    child.stderr!.on('data', (chunk) => (this.output += chunk));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    this.child = child;
  }

  async ready(timeoutMs = 30_000): Promise<void> {
    await waitFor(async () => (await request(this.baseUrl, 'GET', '/health').catch(() => ({ status: 0 }))).status === 200, timeoutMs, `app ready; output:\n${this.output.slice(-2000)}`);
  }

  get adminToken(): string {
    return this.env.ADMIN_TOKEN;
  }

  http(method: string, path: string, body?: unknown, options?: RequestOptions) {
    return request(this.baseUrl, method, path, body, { token: this.adminToken, ...options });
  }

  /** Dies at once, wherever it is: no shutdown hook runs. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<number | null> {
    this.child?.kill('SIGTERM');
    return this.exited!;
  }
}
