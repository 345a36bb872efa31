import { IsString, MaxLength, MinLength } from 'class-validator';
import { IsOmittable, IsPrintable } from '../../common/validation.js';

export class CreateAccountDto {
  @IsString() @MinLength(1) @MaxLength(100) @IsPrintable()
  name: string;
}

export class CreateTokenDto {
  /** What the token is for, to recognise it later (e.g. "ci", "laptop"). */
  @IsOmittable() @IsString() @MaxLength(100) @IsPrintable()
  label?: string;
}
