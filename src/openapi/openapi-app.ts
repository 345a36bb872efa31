import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from '../app.module.js';
import { AppConfig } from '../config/index.js';
import { createHttpAdapter } from '../app.setup.js';
import { buildOpenApiDocument } from './openapi.js';

/**
 * The document of the whole app without starting it: Nest's preview mode resolves the modules and their controllers
 * but instantiates nothing, so no database, Redis or exchange is touched. The default configuration is used, not
 * the environment, so that the document does not depend on who generates it.
 * Not exported from the folder's index: it imports the app module, whose controllers import that index.
 */
export async function generateOpenApiDocument(): Promise<OpenAPIObject> {
  const config = AppConfig.fromEnv({ EVALUATOR_CRON: 'off' });
  const app = await NestFactory.create(AppModule.forRoot({ config }), createHttpAdapter(), { preview: true, logger: false, abortOnError: false });
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
