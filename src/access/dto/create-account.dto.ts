import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { IsOmittable, IsPrintable } from '../../common/validation.js';

export class CreateAccountDto {
  @ApiProperty({ type: String, minLength: 1, maxLength: 100, description: 'The account\'s name.', example: 'alice' })
  @IsString() @MinLength(1) @MaxLength(100) @IsPrintable()
  name: string;
}

export class CreateTokenDto {
  /** What the token is for, to recognise it later (e.g. "ci", "laptop"). */
  @ApiPropertyOptional({ type: String, maxLength: 100, description: 'What the token is for, to recognise it later.', example: 'ci' })
  @IsOmittable() @IsString() @MaxLength(100) @IsPrintable()
  label?: string;
}
