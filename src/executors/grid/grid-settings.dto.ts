import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsPositive, Max, Min, ValidateBy, ValidateIf, type ValidationArguments } from 'class-validator';
import { IsOmittable } from '../../common/validation.js';

const FINITE = { allowNaN: false, allowInfinity: false };
const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** A check of one field against its siblings; a sibling that is wrong itself is left to its own check. */
function Requires<T>(name: string, ok: (value: T, grid: GridSettingsDto) => boolean, message: string) {
  return ValidateBy({
    name,
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => ok(value as T, args?.object as GridSettingsDto),
      defaultMessage: () => message,
    },
  });
}

/**
 * The `grid` object of `POST /bots`. Prices in quote currency; `investment` in quote, `amountPerLine` in base (one of
 * the two). The top-level `conditions` are the start condition; without them the grid starts at once
 * (`startImmediately` says so explicitly either way). The range's edges are registered as shared price conditions.
 */
export class GridSettingsDto {
  @ApiProperty({ type: Number, minimum: 0, exclusiveMinimum: true, maximum: 1e12, description: 'The lowest line, in quote currency.', example: 20000 })
  @IsNumber(FINITE) @IsPositive() @Max(1e12)
  lowerPrice: number;

  @ApiProperty({ type: Number, minimum: 0, exclusiveMinimum: true, maximum: 1e12, description: 'The highest line, above `lowerPrice`.', example: 24000 })
  @IsNumber(FINITE) @IsPositive() @Max(1e12)
  @Requires<number>('aboveLowerPrice', (value, grid) => !isFiniteNumber(grid.lowerPrice) || value > grid.lowerPrice, 'upperPrice must be above lowerPrice')
  upperPrice: number;

  /** Number of price lines, both edges included. */
  @ApiProperty({ type: 'integer', minimum: 2, maximum: 200, description: 'Number of price lines, both edges included.', example: 10 })
  @IsInt() @Min(2) @Max(200)
  gridLines: number;

  /** `arithmetic`: equal price steps; `geometric`: equal ratios (equal % steps). */
  @ApiPropertyOptional({ enum: ['arithmetic', 'geometric'], default: 'arithmetic', description: '`arithmetic`: equal price steps; `geometric`: equal ratios (equal % steps).', example: 'arithmetic' })
  @IsOmittable() @IsIn(['arithmetic', 'geometric'])
  spacing: 'arithmetic' | 'geometric' = 'arithmetic';

  /** Quote the grid needs when every line below the top holds its buy. */
  @ApiPropertyOptional({ type: Number, minimum: 0, exclusiveMinimum: true, maximum: 1e12, description: 'Quote the grid needs when every line below the top holds its buy; give this or `amountPerLine`, not both.', example: 1000 })
  @ValidateIf((grid: GridSettingsDto) => grid.amountPerLine === undefined || grid.investment !== undefined)
  @IsNumber(FINITE, { message: 'investment (quote) or amountPerLine (base) is required' }) @IsPositive() @Max(1e12)
  @Requires<number>('notBoth', (_value, grid) => grid.amountPerLine === undefined, 'give investment or amountPerLine, not both')
  investment?: number;

  /** Base amount each line buys and sells. */
  @ApiPropertyOptional({ type: Number, minimum: 0, exclusiveMinimum: true, maximum: 1e12, description: 'Base amount each line buys and sells; give this or `investment`, not both.', example: 0.005 })
  @ValidateIf((grid: GridSettingsDto) => grid.amountPerLine !== undefined)
  @IsNumber(FINITE) @IsPositive() @Max(1e12)
  amountPerLine?: number;

  /** When the price leaves the range above, the grid moves up around it. */
  @ApiPropertyOptional({ type: Boolean, default: false, description: 'When the price leaves the range above, move the grid up around it.', example: false })
  @IsOmittable() @IsBoolean()
  trailingUp: boolean = false;

  /** When the price leaves the range below, the grid moves down around it. */
  @ApiPropertyOptional({ type: Boolean, default: false, description: 'When the price leaves the range below, move the grid down around it.', example: false })
  @IsOmittable() @IsBoolean()
  trailingDown: boolean = false;

  /** A 1m candle closing at or below it closes the whole grid at market. */
  @ApiPropertyOptional({ type: Number, minimum: 0, exclusiveMinimum: true, description: 'A 1m candle closing at or below it closes the whole grid at market; below `lowerPrice`.', example: 19000 })
  @IsOptional() @IsNumber(FINITE) @IsPositive()
  @Requires<number>('belowLowerPrice', (value, grid) => !isFiniteNumber(grid.lowerPrice) || value < grid.lowerPrice, 'stopLossPrice must be below lowerPrice')
  stopLossPrice?: number;

  /** A 1m candle closing at or above it closes the whole grid at market. */
  @ApiPropertyOptional({ type: Number, minimum: 0, exclusiveMinimum: true, maximum: 1e12, description: 'A 1m candle closing at or above it closes the whole grid at market; above `upperPrice`.', example: 25000 })
  @IsOptional() @IsNumber(FINITE) @IsPositive() @Max(1e12)
  @Requires<number>('aboveUpperPrice', (value, grid) => !isFiniteNumber(grid.upperPrice) || value > grid.upperPrice, 'takeProfitPrice must be above upperPrice')
  takeProfitPrice?: number;

  /** Start without waiting for a condition; left out, it is true exactly when the bot has no (top-level) conditions. */
  @ApiPropertyOptional({ type: Boolean, description: 'Start without waiting for a condition; left out, true exactly when the bot has no top-level `conditions`.', example: true })
  @IsOptional() @IsBoolean()
  startImmediately?: boolean;
}
