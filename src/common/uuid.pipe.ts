import { ParseUUIDPipe } from '@nestjs/common';
import { ValidationFailed } from './domain-error.js';

/** A path id that is not a UUID is a 400 naming the parameter, not a database error. */
export const uuidParam = (name = 'id') =>
  new ParseUUIDPipe({ exceptionFactory: () => new ValidationFailed([{ field: name, message: 'must be a UUID' }]) });
