import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { configureApp, createHttpAdapter } from './app.setup.js';
import { AppConfig, ConfigError } from './config/index.js';

function loadConfig(): AppConfig {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return AppConfig.fromEnv(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot({ config }), createHttpAdapter(), { bufferLogs: true, bodyParser: false });
  await configureApp(app);
  exitCleanlyOnSignals(app, config.env.SHUTDOWN_TIMEOUT_MS);
  // All interfaces, as Express listened by default (Fastify alone would listen on localhost only, unreachable in a container).
  await app.listen(config.env.PORT, '0.0.0.0');
  app.get(Logger).log(`listening on port ${config.env.PORT}`, 'Bootstrap');
}

/**
 * SIGTERM/SIGINT stop the cron and the consumers and let in-flight work finish (the modules' shutdown hooks),
 * then exit 0. Past the bound the process exits anyway: unfinished work stays pending for the next start.
 */
function exitCleanlyOnSignals(app: NestFastifyApplication, timeoutMs: number): void {
  const logger = app.get(Logger);
  const shutdown = (signal: string) => {
    logger.log(`${signal} received: finishing in-flight work (at most ${timeoutMs} ms)`, 'Bootstrap');
    setTimeout(() => {
      logger.warn('shutdown took too long; exiting with work left pending for the next start', 'Bootstrap');
      process.exit(0);
    }, timeoutMs).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error during shutdown', 'Bootstrap');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

void bootstrap();
