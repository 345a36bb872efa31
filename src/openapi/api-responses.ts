import { applyDecorators, type Type } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiExtraModels, ApiParam, ApiResponse, getSchemaPath, type ExamplesObject } from '@nestjs/swagger';
import { ErrorBodySchema } from './error-body.schema.js';

/** The name of the bearer security scheme in the document (`buildOpenApiDocument` declares it). */
export const BEARER_SCHEME = 'bearer';

type Decorator = MethodDecorator & ClassDecorator;

/** An error answer in the shape of `HttpErrorFilter`, with an example of it. */
function errorResponse(status: number, description: string, error: string, message: string, fields?: { field: string; message: string }[]): Decorator {
  return ApiResponse({ status, description, type: ErrorBodySchema, example: { statusCode: status, error, message, ...(fields && { fields }) } });
}

/** Needs an API token (every route but `@Public()` ones), and is rate-limited per token. */
export function ApiTokenAuth(): Decorator {
  return applyDecorators(
    ApiBearerAuth(BEARER_SCHEME),
    errorResponse(401, 'No valid API token: send `Authorization: Bearer <token>`.', 'UNAUTHORIZED',
      'send a valid API token as "Authorization: Bearer <token>" (POST /accounts with the admin token creates an account and its first token)'),
    ApiRateLimited(),
  ) as Decorator;
}

/** The rate limit applies to every route but the probes, per token (per IP without one). */
export function ApiRateLimited(): Decorator {
  return errorResponse(429, 'Over `RATE_LIMIT_PER_MINUTE` requests a minute for this token (per IP without one); the `Retry-After` header says when to retry.',
    'TOO_MANY_REQUESTS', 'too many requests: at most 1200 a minute per token; retry in 42 s (the Retry-After header)');
}

/** Only the admin token may call the route. */
export function ApiAdminOnly(): Decorator {
  return errorResponse(403, 'An account\'s token: only the admin token (`ADMIN_TOKEN`) may do this.', 'FORBIDDEN', 'only the admin token (ADMIN_TOKEN) may do this');
}

/** Bad input: a `400` whose `fields` name each bad field of the body, query or path. */
export function ApiBadInput(description = 'Bad input: `fields` names each bad field and says what is expected; unknown fields are refused.'): Decorator {
  return errorResponse(400, description, 'VALIDATION_FAILED', 'name: must be shorter than or equal to 100 characters',
    [{ field: 'name', message: 'must be shorter than or equal to 100 characters' }]);
}

/** An unknown id, or one of another account (which answers exactly alike). */
export function ApiNotFound(what: string): Decorator {
  const code = `${what.toUpperCase().replace(/ /g, '_')}_NOT_FOUND`;
  return errorResponse(404, `No ${what} with this id (another account's answers alike).`, code, `${what} 0b6f5c1e-8f5a-4b7e-9a53-5f2d8a0c1e77 does not exist`);
}

/** The resource is in a state that forbids the request. */
export function ApiConflict(description: string, error: string, message: string): Decorator {
  return errorResponse(409, description, error, message);
}

/** Any other error answer a route documents in the error shape (502, 503, ...). */
export function ApiErrorResponse(status: number, description: string, error: string, message: string): Decorator {
  return errorResponse(status, description, error, message);
}

/** A path parameter holding a UUID; anything else is a `400` naming it. */
export function ApiIdParam(what: string, name = 'id'): MethodDecorator {
  return ApiParam({ name, type: String, format: 'uuid', description: `The ${what}'s id.`, example: '0b6f5c1e-8f5a-4b7e-9a53-5f2d8a0c1e77' });
}

/** A route on one resource by its id: the parameter, a `400` when it is not a UUID, a `404` when it is unknown. */
export function ApiById(what: string, name = 'id'): MethodDecorator {
  return applyDecorators(ApiIdParam(what, name), ApiBadInput(), ApiNotFound(what));
}

export interface JsonBodyOptions {
  /** The body's DTO class ... */
  type?: Type<unknown>;
  /** ... or bodies told apart by a property (`type` of a bot): its values and the schema of each. */
  oneOf?: { property: string; mapping: Record<string, Type<unknown>> };
  /** Named examples, each accepted by the API as it is (a test posts every one). */
  examples: ExamplesObject;
  /** False when an empty body is fine. */
  required?: boolean;
  description?: string;
}

/** A JSON request body with its schema and examples; the schemas it names are added to the document. */
export function ApiJsonBody(options: JsonBodyOptions): MethodDecorator {
  const models = options.type ? [options.type] : Object.values(options.oneOf?.mapping ?? {});
  if (models.length === 0) throw new Error('ApiJsonBody needs a type or oneOf');
  const schema = options.type
    ? { $ref: getSchemaPath(options.type) }
    : {
        oneOf: models.map((model) => ({ $ref: getSchemaPath(model) })),
        discriminator: {
          propertyName: options.oneOf!.property,
          mapping: Object.fromEntries(Object.entries(options.oneOf!.mapping).map(([value, model]) => [value, getSchemaPath(model)])),
        },
      };
  return applyDecorators(
    ApiExtraModels(...models),
    ApiBody({ schema, examples: options.examples, required: options.required ?? true, description: options.description }),
  );
}
