import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { Matches, ValidateIf, type ValidationOptions } from 'class-validator';
import { ValidationFailed } from './domain-error.js';

/**
 * Deeper than any input the API takes (a condition's operand params sit 5 levels down in `POST /bots`). Deeper
 * input is refused before class-transformer recurses into it: at a depth of a few thousand it overflows the stack.
 */
export const MAX_INPUT_DEPTH = 32;

/** Flattens class-validator's tree into `conditions.0.params.period: must be ...` entries. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): { field: string; message: string }[] {
  return errors.flatMap((error) => {
    const name = fieldName(error.property);
    const field = parent ? `${parent}.${name}` : name;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message: stripProperty(message, error.property) }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** A property name as a field: quoted when it would be empty or ambiguous in a dotted path (`""`, `"a.b"`). */
function fieldName(property: string): string {
  return /^[^\s.]+$/.test(property) ? property : JSON.stringify(property);
}

function stripProperty(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

/** Keys class-transformer skips without a word (they name functions every object has), so no check would see them. */
const OBJECT_MEMBERS = new Set(Object.getOwnPropertyNames(Object.prototype));

type FieldProblem = { field: string; message: string };

/**
 * What is wrong with the shape of `value` before any DTO sees it, without recursing: nesting deeper than
 * MAX_INPUT_DEPTH (named by its top-level field), and keys named like Object members (`toString`, `valueOf`).
 */
export function shapeProblems(value: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stack: { value: unknown; depth: number; path: string; top: string }[] = [{ value, depth: 0, path: '', top: 'body' }];
  while (stack.length > 0 && problems.length < 50) {
    const node = stack.pop()!;
    if (node.value === null || typeof node.value !== 'object') continue;
    if (node.depth >= MAX_INPUT_DEPTH) {
      problems.push({ field: node.top, message: `is nested deeper than ${MAX_INPUT_DEPTH} levels` });
      break;
    }
    for (const [key, child] of Object.entries(node.value)) {
      const path = node.path ? `${node.path}.${fieldName(key)}` : fieldName(key);
      if (OBJECT_MEMBERS.has(key)) problems.push({ field: path, message: 'is not a field: the name is reserved' });
      else stack.push({ value: child, depth: node.depth + 1, path, top: node.depth === 0 ? path : node.top });
    }
  }
  return problems;
}

const CHECKED_INPUTS = new Set<ArgumentMetadata['type']>(['body', 'query', 'param']);

/** The validation pipe, refusing input shaped to slip past or crash class-transformer with a 400 naming the field. */
class ShapeCheckedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const problems = CHECKED_INPUTS.has(metadata.type) ? shapeProblems(value) : [];
    if (problems.length > 0) throw new ValidationFailed(problems);
    return super.transform(value, metadata);
  }
}

/** Unknown fields are refused, types are converted only where a DTO says so, and errors name each field. */
export function createValidationPipe(): ValidationPipe {
  return new ShapeCheckedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => new ValidationFailed(flattenValidationErrors(errors)),
  });
}

/** Text a database column and a log line can hold: no control characters (PostgreSQL refuses NUL in text outright). */
export function IsPrintable(options?: ValidationOptions): PropertyDecorator {
  return Matches(/^[^\p{Cc}]*$/u, { message: '$property must not contain control characters', ...options });
}

/**
 * Like IsOptional, but only a field left out skips the checks: `null` is checked like any other value and refused,
 * so that it cannot replace a default (`"cooldown": null` would otherwise be stored over `cooldown = 0`).
 */
export function IsOmittable(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined, options);
}
