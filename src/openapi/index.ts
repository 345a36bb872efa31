export {
  ApiAdminOnly, ApiBadInput, ApiById, ApiConflict, ApiErrorResponse, ApiIdParam, ApiJsonBody, ApiNotFound, ApiRateLimited, ApiTokenAuth, BEARER_SCHEME,
} from './api-responses.js';
export { ErrorBodySchema, FieldErrorSchema } from './error-body.schema.js';
export { buildOpenApiDocument, DOCS_JSON_PATH, DOCS_PATH, serializeOpenApiDocument, serveOpenApiDocs } from './openapi.js';
