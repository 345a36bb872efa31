import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { serializeOpenApiDocument } from '../src/openapi/index.js';
import { generateOpenApiDocument } from '../src/openapi/openapi-app.js';

/** Where the committed document lives, from the project root (npm runs scripts there). */
const OUTPUT = 'docs/openapi.json';

/** `npm run openapi`: writes the OpenAPI document of the controllers and DTOs to docs/openapi.json. */
async function main(): Promise<void> {
  const document = await generateOpenApiDocument();
  const path = resolve(process.cwd(), OUTPUT);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, serializeOpenApiDocument(document));
  const schemas = Object.keys(document.components?.schemas ?? {}).length;
  process.stdout.write(`wrote ${OUTPUT}: ${Object.keys(document.paths).length} paths, ${schemas} schemas\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
