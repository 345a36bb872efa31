import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { BEARER_SCHEME } from './api-responses.js';

/** Swagger UI at `/docs`, the document at `/docs-json`. */
export const DOCS_PATH = 'docs';
export const DOCS_JSON_PATH = 'docs-json';

/**
 * The API's version as the document states it: fixed, not the package's, so that a release alone does not make the
 * committed `docs/openapi.json` stale. Raise it when the API changes incompatibly.
 */
const API_VERSION = '1';

/** The tags in the order Swagger UI lists them, each with what its routes are for. */
const TAGS: [string, string][] = [
  ['bots', 'Trading bots (DCA, trend, grid): create, preview, start, stop, delete; their orders, stats and grid.'],
  ['deals', 'Deals opened by bots: their timeline, orders and fills; close or cancel one.'],
  ['conditions', 'The shared registry of conditions: key, subscribers, last evaluation.'],
  ['triggers', 'Conditions that became true on a closed candle, with provenance and what each did for a bot.'],
  ['exchange-accounts', 'Paper and live exchange accounts, their balances and orders.'],
  ['risk', 'Risk limits per exchange account, and the kill switch.'],
  ['signals', 'TradingView-style alerts from outside, authenticated by the bot\'s signal secret.'],
  ['webhooks', 'Outbound webhooks: deal events POSTed to your URL, signed.'],
  ['accounts', 'Accounts of the API\'s users and their API tokens.'],
  ['operations', 'Health, metrics and the dead-letter stream.'],
];

const DESCRIPTION = [
  'Trading bots over HTTP: conditions shared in a registry and evaluated once per closed candle, triggers over a durable event bus, orders on paper or real exchanges.',
  '',
  'Routes need an API token, `Authorization: Bearer <token>`, unless their operation lists no security requirement: the probes (`/health`, `/metrics`), and `POST /signals/{botId}`, which the bot\'s signal secret authenticates.',
  'Errors share one shape (`ErrorBody`): a `400` names each bad field in `fields`; unknown fields are refused; an unknown id (or another account\'s) is a `404`.',
  'Lists answer `{"items": [...], "nextCursor": ...}`: pass `nextCursor` as `?cursor=` for the next page.',
].join('\n');

/**
 * The OpenAPI document of the app's controllers and DTOs, from their explicit decorators only (no CLI plugin: the
 * tests run through SWC, where it would not run, so the document is the same from a test and from the build).
 * Paths and schemas are sorted, so that the written file changes only when the API does.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Trading-bot orchestrator')
    .setDescription(DESCRIPTION)
    .setVersion(API_VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The admin token (`ADMIN_TOKEN`, or `.data/admin-token`) or an account\'s API token.' }, BEARER_SCHEME);
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build(), {
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  return { ...document, paths: sortedByKey(document.paths), components: { ...document.components, schemas: sortedByKey(document.components?.schemas ?? {}) } };
}

/** The document as `docs/openapi.json` holds it. */
export function serializeOpenApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Serves Swagger UI and the JSON document without a token; the document is built on the first request. */
export function serveOpenApiDocs(app: INestApplication): void {
  let document: OpenAPIObject | undefined;
  SwaggerModule.setup(DOCS_PATH, app, () => (document ??= buildOpenApiDocument(app)), {
    jsonDocumentUrl: DOCS_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'Trading-bot orchestrator API',
  });
}

function sortedByKey<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
