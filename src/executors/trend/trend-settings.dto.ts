import { Type } from 'class-transformer';
import { ConditionDto } from '../../registry/index.js';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsPositive, Max, Min, ValidateIf, ValidateNested,
} from 'class-validator';
import { IsOmittable } from '../../common/validation.js';

const finite = { allowNaN: false, allowInfinity: false };

/**
 * Arms once the position is `activation` % in profit, then closes on a pull-back of `delta` % from the best price
 * since. Relative to the entry, because one bot opens many positions at different prices.
 */
export class TrailingStopDto {
  @IsNumber(finite) @IsPositive() @Max(1000)
  activation: number;

  @IsNumber(finite) @IsPositive() @Max(50)
  delta: number;
}

/** The `trend` object of `POST /bots`: the top-level `conditions` enter a position, `exitConditions` (all holding) close it. */
export class TrendSettingsDto {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10)
  @IsObject({ each: true, message: 'each item of $property must be an object' }) @ValidateNested({ each: true }) @Type(() => ConditionDto)
  exitConditions: ConditionDto[];

  /** Position size in quote currency ... */
  @ValidateIf((s: TrendSettingsDto) => s.positionSizePercent === undefined, { message: 'positionSize or positionSizePercent is required' })
  @IsNumber(finite) @IsPositive() @Max(1e12)
  positionSize?: number;

  /** ... or as a % of the exchange account's free quote balance when the position opens. */
  @IsOptional() @IsNumber(finite) @IsPositive() @Max(100)
  positionSizePercent?: number;

  /** % against the entry price. */
  @IsOptional() @IsNumber(finite) @IsPositive() @Max(100)
  stopLoss?: number;

  @IsOptional() @IsObject() @ValidateNested() @Type(() => TrailingStopDto)
  trailingStop?: TrailingStopDto;

  /** Seconds after which an open position is closed whatever the price. */
  @IsOptional() @IsInt() @Min(60) @Max(365 * 86_400)
  timeLimit?: number;

  @IsOmittable() @IsIn(['long', 'short'])
  direction: 'long' | 'short' = 'long';
}
