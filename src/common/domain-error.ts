/**
 * An expected failure with a stable code, mapped to HTTP in one place (the error filter).
 * The message says what went wrong and what to do about it.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 400,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super(`${what.toUpperCase().replace(/ /g, '_')}_NOT_FOUND`, `${what} ${id} does not exist`, 404);
  }
}

export class ValidationFailed extends DomainError {
  constructor(
    readonly fields: { field: string; message: string }[],
  ) {
    super('VALIDATION_FAILED', fields.map((f) => `${f.field}: ${f.message}`).join('; '), 400, { fields });
  }
}

/** A 400 with a code of its own that names the field at fault, like validation errors do. */
export function fieldError(code: string, field: string, message: string): DomainError {
  return new DomainError(code, message, 400, { fields: [{ field, message }] });
}
