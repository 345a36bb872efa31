import type { OpenAPIObject, OperationObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

export interface Operation {
  method: string;
  /** OpenAPI style: `/bots/{id}/orders`. */
  path: string;
  operation: OperationObject;
}

export interface BodyExample {
  method: string;
  path: string;
  name: string;
  value: unknown;
}

/** Every operation of the document, as `METHOD path`. */
export function operationsOf(document: OpenAPIObject): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ method: method.toUpperCase(), path, operation: item[method]! })),
  );
}

/** The JSON request body of an operation, if it takes one. */
export function jsonBodyOf(operation: OperationObject) {
  const body = operation.requestBody as { content?: Record<string, { schema?: SchemaObject | ReferenceObject; example?: unknown; examples?: Record<string, { value?: unknown }> }> } | undefined;
  return body?.content?.['application/json'];
}

/** Every example request body, named (`example` alone is named "example"). */
export function bodyExamples(document: OpenAPIObject): BodyExample[] {
  return operationsOf(document).flatMap(({ method, path, operation }) => {
    const body = jsonBodyOf(operation);
    if (!body) return [];
    const named = Object.entries(body.examples ?? {}).map(([name, example]) => ({ method, path, name, value: example.value }));
    return body.example === undefined ? named : [...named, { method, path, name: 'example', value: body.example }];
  });
}

/** The component a `$ref` points at. */
export function resolve(document: OpenAPIObject, ref: string): SchemaObject {
  const name = ref.replace('#/components/schemas/', '');
  const schema = document.components?.schemas?.[name];
  if (!schema) throw new Error(`${ref} is not in the document`);
  return schema as SchemaObject;
}
