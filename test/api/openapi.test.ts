import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { OpenAPIObject, SchemaObject } from '@nestjs/swagger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeOpenApiDocument } from '../../src/openapi/index.js';
import { generateOpenApiDocument } from '../../src/openapi/openapi-app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { routesOf } from '../support/fuzz-routes.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { jsonBodyOf, operationsOf, resolve } from './openapi-document.js';

/** As `npm run openapi` writes it, from the project root (where the tests run). */
const COMMITTED = 'docs/openapi.json';
/** Error answers that carry the error filter's shape (a 503 of health carries the per-dependency report instead). */
const ERROR_STATUSES = ['400', '401', '403', '404', '409', '429'];

/** The first line where two texts differ, to say where a stale document starts to differ. */
function firstDifference(actual: string, expected: string): string {
  const [a, b] = [actual.split('\n'), expected.split('\n')];
  const line = a.findIndex((text, i) => text !== b[i]);
  return line < 0 ? `the generated one has ${a.length} lines, the committed one ${b.length}` : `line ${line + 1}: ${JSON.stringify(b[line])} is now ${JSON.stringify(a[line])}`;
}

/** Component schemas a schema names, through $ref, oneOf, allOf, array items and properties. */
function referencedSchemas(document: OpenAPIObject, schema: unknown, seen = new Set<string>()): Set<string> {
  if (!schema || typeof schema !== 'object') return seen;
  const ref = (schema as { $ref?: string }).$ref;
  if (ref && !seen.has(ref)) {
    seen.add(ref);
    referencedSchemas(document, resolve(document, ref), seen);
  }
  for (const value of Object.values(schema)) referencedSchemas(document, value, seen);
  return seen;
}

/** A property documented by an example of its own, or by the schema it names. */
function hasExample(property: SchemaObject & { $ref?: string }): boolean {
  const item = property.items as (SchemaObject & { $ref?: string }) | undefined;
  return property.example !== undefined || property.$ref !== undefined || property.allOf !== undefined || item?.$ref !== undefined;
}

describe('OpenAPI document', () => {
  let document: OpenAPIObject;

  beforeAll(async () => {
    document = await generateOpenApiDocument();
  });

  it('is committed up to date in docs/openapi.json', () => {
    const generated = serializeOpenApiDocument(document);
    const committed = readFileSync(COMMITTED, 'utf8');
    expect(generated === committed, `docs/openapi.json is stale: run npm run openapi (${firstDifference(generated, committed)})`).toBe(true);
  });

  it('gives every request body examples, and an example to every property of the schemas they use', () => {
    const operations = operationsOf(document).filter(({ operation }) => operation.requestBody);
    expect(operations.length).toBeGreaterThan(10);
    for (const { method, path, operation } of operations) {
      const body = jsonBodyOf(operation);
      expect(body, `${method} ${path}: a JSON body`).toBeDefined();
      expect(body!.example !== undefined || Object.keys(body!.examples ?? {}).length > 0, `${method} ${path}: an example body`).toBe(true);
      for (const ref of referencedSchemas(document, body!.schema)) {
        for (const [name, property] of Object.entries(resolve(document, ref).properties ?? {})) {
          expect(hasExample(property as SchemaObject), `${method} ${path}: ${ref} property ${name} has an example`).toBe(true);
        }
      }
    }
  });

  it('documents each operation: summary, tag, success answer, and the errors it can answer in the error filter\'s shape', () => {
    for (const { method, path, operation } of operationsOf(document)) {
      const route = `${method} ${path}`;
      const statuses = Object.keys(operation.responses);
      expect(operation.summary, `${route}: a summary`).toBeTruthy();
      expect(operation.tags?.length, `${route}: a tag`).toBeGreaterThan(0);
      expect(statuses.some((status) => status.startsWith('2')), `${route}: a success answer`).toBe(true);
      if (operation.security?.length) expect(statuses, `${route}: needs a token, so 401 and 429`).toEqual(expect.arrayContaining(['401', '429']));
      if (operation.requestBody) expect(statuses, `${route}: takes a body, so 400`).toContain('400');
      if (path.includes('{')) {
        expect(statuses, `${route}: takes an id, so 400`).toContain('400');
        expect(statuses.includes('404') || statuses.includes('401'), `${route}: takes an id, so 404 (or 401 for an unknown one)`).toBe(true);
      }
      for (const status of statuses.filter((s) => ERROR_STATUSES.includes(s))) {
        const content = (operation.responses[status] as { content?: Record<string, { schema?: { $ref?: string }; example?: { statusCode?: number } }> }).content;
        expect(content?.['application/json']?.schema?.$ref, `${route} ${status}: the ErrorBody shape`).toBe('#/components/schemas/ErrorBody');
        expect(content?.['application/json']?.example?.statusCode, `${route} ${status}: an example`).toBe(Number(status));
      }
    }
  });

  describe('served by the app', () => {
    let database: TestDatabase;
    let app: TestApp;

    beforeAll(async () => {
      database = await createTestDatabase('openapi');
      app = await startTestApp({ DATABASE_URL: database.url, MARKET_DATA_SOURCE: 'simulated', LOG_LEVEL: 'error' });
    });

    afterAll(async () => {
      await app?.close();
      await database?.drop();
    });

    it('serves Swagger UI at /docs and the document at /docs-json without a token, the same document the script writes', async () => {
      const ui = await fetch(`${app.baseUrl}/docs`);
      expect(ui.status).toBe(200);
      expect(ui.headers.get('content-type')).toMatch(/text\/html/);
      expect(await ui.text()).toContain('swagger-ui');
      const json = await app.http('GET', '/docs-json', undefined, { token: null });
      expect(json.status).toBe(200);
      expect(json.body).toEqual(JSON.parse(serializeOpenApiDocument(document)));
      // Swagger's routes throw outside Nest's controllers: the answer still has the error filter's shape, no stack.
      const missing = await app.http('GET', '/docs/LICENSE', undefined, { token: null });
      expect(missing).toEqual({ status: 404, body: { statusCode: 404, error: 'NOT_FOUND', message: 'Not Found' } });
    });

    it('documents every route the app serves, and no other', () => {
      const served = routesOf(app.app).map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
      const documented = operationsOf(document).map(({ method, path }) => `${method} ${path}`);
      expect(documented.sort()).toEqual(served.sort());
    });

    it('asks for a token, and for the admin token, exactly where the app does', async () => {
      const { token } = (await app.http('POST', '/accounts', { name: 'openapi' })).body;
      for (const { method, path, operation } of operationsOf(document)) {
        const url = path.replace(/\{\w+\}/g, () => randomUUID());
        const body = ['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined;
        const anonymous = await app.http(method, url, body, { token: null });
        const refused = anonymous.status === 401 && anonymous.body?.error === 'UNAUTHORIZED';
        expect(refused, `${method} ${path} without a token answered ${anonymous.status}; the document says it ${operation.security?.length ? 'needs' : 'does not need'} one`)
          .toBe(Boolean(operation.security?.length));
        const byAccount = await app.http(method, url, body, { token });
        const forbidden = byAccount.status === 403 && byAccount.body?.error === 'FORBIDDEN';
        expect(forbidden, `${method} ${path} with an account's token answered ${byAccount.status}; the document ${'403' in operation.responses ? 'says' : 'does not say'} it is the admin's only`)
          .toBe('403' in operation.responses);
      }
    });
  });
});
