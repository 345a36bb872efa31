import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/index.js';
import { redactUrl } from '../logging/index.js';
import { EmbeddedDatabase } from './embedded-postgres.js';

/** Says where the database is: DATABASE_URL, or an embedded server started on demand. */
@Injectable()
export class DatabaseServer implements OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseServer.name);
  private embedded?: EmbeddedDatabase;

  constructor(private readonly config: AppConfig) {}

  async url(): Promise<string> {
    const configured = this.config.env.DATABASE_URL;
    if (configured) {
      this.logger.log(`database: PostgreSQL at ${redactUrl(configured)}`);
      return configured;
    }
    this.logger.log('database: DATABASE_URL not set, starting the embedded PostgreSQL');
    this.embedded = new EmbeddedDatabase(this.config.env.EMBEDDED_PG_DIR, this.config.env.EMBEDDED_PG_PORT);
    return this.embedded.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.embedded?.stop();
  }
}

/** A database URL as it may be logged; the redaction itself lives with the other secrets, in logging. */
export const redactPassword = redactUrl;
