import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
  @ApiProperty({ type: Number, minimum: 0, exclusiveMinimum: true, maximum: 1000, description: 'Arms once the position is this many % in profit.', example: 1 })
  @IsNumber(finite) @IsPositive() @Max(1000)
  activation: number;

  @ApiProperty({ type: Number, minimum: 0, exclusiveMinimum: true, maximum: 50, description: 'Then closes on a pull-back of this many % from the best price since.', example: 0.5 })
  @IsNumber(finite) @IsPositive() @Max(50)
  delta: number;
}

/** The `trend` object of `POST /bots`: the top-level `conditions` enter a position, `exitConditions` (all holding) close it. */
export class TrendSettingsDto {
  @ApiProperty({ type: [ConditionDto], minItems: 1, maxItems: 10, description: 'Close the position when all of these hold (the bot\'s top-level `conditions` open it).' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10)
  @IsObject({ each: true, message: 'each item of $property must be an object' }) @ValidateNested({ each: true }) @Type(() => ConditionDto)
  exitConditions: ConditionDto[];

  /** Position size in quote currency ... */
  @ApiPropertyOptional({ type: Number, minimum: 0, exclusiveMinimum: true, maximum: 1e12, description: 'Position size in quote currency; this or `positionSizePercent` is required.', example: 100 })
  @ValidateIf((s: TrendSettingsDto) => s.positionSizePercent === undefined, { message: 'positionSize or positionSizePercent is required' })
  @IsNumber(finite) @IsPositive() @Max(1e12)
  positionSize?: number;

  /** ... or as a % of the exchange account's free quote balance when the position opens. */
  @ApiPropertyOptional({ type: Number, minimum: 0, exclusiveMinimum: true, maximum: 100, description: 'Position size as a % of the exchange account\'s free quote balance when the position opens.', example: 10 })
  @IsOptional() @IsNumber(finite) @IsPositive() @Max(100)
  positionSizePercent?: number;

  /** % against the entry price. */
  @ApiPropertyOptional({ type: Number, minimum: 0, exclusiveMinimum: true, maximum: 100, description: 'Stop loss (%) against the entry price.', example: 2 })
  @IsOptional() @IsNumber(finite) @IsPositive() @Max(100)
  stopLoss?: number;

  @ApiPropertyOptional({ type: TrailingStopDto })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => TrailingStopDto)
  trailingStop?: TrailingStopDto;

  /** Seconds after which an open position is closed whatever the price. */
  @ApiPropertyOptional({ type: 'integer', minimum: 60, maximum: 365 * 86_400, description: 'Seconds after which an open position is closed whatever the price.', example: 86400 })
  @IsOptional() @IsInt() @Min(60) @Max(365 * 86_400)
  timeLimit?: number;

  @ApiPropertyOptional({ enum: ['long', 'short'], default: 'long', example: 'long' })
  @IsOmittable() @IsIn(['long', 'short'])
  direction: 'long' | 'short' = 'long';
}
