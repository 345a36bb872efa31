import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
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
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config }), { bufferLogs: true, bodyParser: false });
  configureApp(app);
  forceExitAfterShutdownTimeout(config.env.SHUTDOWN_TIMEOUT_MS);
  await app.listen(config.env.PORT);
  app.get(Logger).log(`listening on port ${config.env.PORT}`, 'Bootstrap');
}

/** SIGTERM lets in-flight work finish; past the bound, the process exits anyway, leaving unfinished work pending for the next start. */
function forceExitAfterShutdownTimeout(timeoutMs: number): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => setTimeout(() => process.exit(0), timeoutMs).unref());
  }
}

void bootstrap();
