import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/** One bad field of a 400: its dotted path in the request and what is expected there. */
@ApiSchema({ name: 'FieldError' })
export class FieldErrorSchema {
  @ApiProperty({ type: String, description: 'Dotted path of the field in the body, query or path (`body` when the JSON itself is bad).', example: 'conditions.0.params.period' })
  field: string;

  @ApiProperty({ type: String, description: 'What is wrong and what is expected.', example: 'must be an integer from 2 to 1000' })
  message: string;
}

/**
 * The shape of every error answer (`src/common/http-error.filter.ts`). Documentation only: the filter builds the
 * answer; this class exists so that the OpenAPI document can name its schema.
 */
@ApiSchema({ name: 'ErrorBody' })
export class ErrorBodySchema {
  @ApiProperty({ type: 'integer', description: 'The HTTP status, repeated.', example: 400 })
  statusCode: number;

  @ApiProperty({ type: String, description: 'A stable code to branch on, e.g. `VALIDATION_FAILED`, `BOT_NOT_FOUND`, `UNAUTHORIZED`.', example: 'VALIDATION_FAILED' })
  error: string;

  @ApiProperty({ type: String, description: 'What went wrong and what to do about it, for people.', example: 'conditions.0.params.period: must be an integer from 2 to 1000' })
  message: string;

  @ApiPropertyOptional({ type: [FieldErrorSchema], description: 'With a 400: each bad field, named.' })
  fields?: FieldErrorSchema[];
}
