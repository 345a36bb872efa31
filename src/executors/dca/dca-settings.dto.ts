import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsPositive, Max, Min, ValidateBy, ValidateIf, ValidateNested,
  type ValidationArguments,
} from 'class-validator';
import { IsOmittable } from '../../common/validation.js';

const FINITE = { allowNaN: false, allowInfinity: false };
/** Upper bound of the waits in seconds (stop-loss timeout, cooldown): 30 days. */
const MAX_WAIT_SECONDS = 30 * 24 * 3600;

/** A check of one field against its siblings; `message` names the field. A sibling that is wrong itself is left to its own check. */
function Requires<T>(name: string, ok: (value: T, dca: DcaSettingsDto) => boolean, message: string) {
  return ValidateBy({
    name,
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => ok(value as T, args?.object as DcaSettingsDto),
      defaultMessage: () => message,
    },
  });
}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** Steps close parts of the position at ascending targets; together they close at most all of it. Malformed steps are left to their own checks. */
function stepsAddUp(steps: unknown): boolean {
  const wellFormed = (step: { profit?: unknown; closePercent?: unknown } | null) =>
    isFiniteNumber(step?.profit) && step.profit > 0 && isFiniteNumber(step?.closePercent) && step.closePercent > 0 && step.closePercent <= 100;
  if (!Array.isArray(steps) || !steps.every(wellFormed)) return true;
  const ascending = steps.every((step, i) => i === 0 || step.profit > steps[i - 1].profit);
  return ascending && steps.reduce((sum, step) => sum + step.closePercent, 0) <= 100 + 1e-9;
}

/** One target of a multi-step take profit: at `profit` % close `closePercent` % of the position. */
export class TakeProfitStepDto {
  @ApiProperty({ type: Number, minimum: 0, exclusiveMinimum: true, maximum: 1000, description: 'Profit (%) of the average entry at which this step closes.', example: 1 })
  @IsNumber(FINITE) @IsPositive() @Max(1000)
  profit: number;

  @ApiProperty({ type: Number, minimum: 0, exclusiveMinimum: true, maximum: 100, description: 'Part (%) of the position this step closes.', example: 50 })
  @IsNumber(FINITE) @IsPositive() @Max(100)
  closePercent: number;
}

/**
 * The `dca` object of `POST /bots`, in 3Commas' words. Percentages are in percent (1 = 1 %), sizes in quote
 * currency, waits in seconds. `safetyOrderSize` is required once `maxSafetyOrders` > 0. With `takeProfitSteps`,
 * the steps close parts of the position and `takeProfit` (when set) closes what remains.
 */
export class DcaSettingsDto {
  /** Base order size in quote currency. */
  @ApiProperty({ type: Number, minimum: 0, exclusiveMinimum: true, maximum: 1e12, description: 'Base order size in quote currency.', example: 100 })
  @IsNumber(FINITE) @IsPositive() @Max(1e12)
  baseOrderSize: number;

  /** Size of the first safety order in quote currency; safety order n is safetyOrderSize · volumeScaleⁿ⁻¹. */
  @ApiPropertyOptional({ type: Number, minimum: 0, exclusiveMinimum: true, maximum: 1e12, description: 'Size of the first safety order in quote currency, required once `maxSafetyOrders` > 0; safety order n is safetyOrderSize · safetyOrderVolumeScaleⁿ⁻¹.', example: 20 })
  @ValidateIf((dca: DcaSettingsDto) => (dca.maxSafetyOrders ?? 0) > 0 || dca.safetyOrderSize !== undefined)
  @IsNumber(FINITE, { message: 'safetyOrderSize must be a finite number (quote currency) when maxSafetyOrders > 0' })
  @IsPositive() @Max(1e12)
  safetyOrderSize?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 100, default: 0, description: 'Safety orders on the ladder.', example: 4 })
  @IsOmittable() @IsInt() @Min(0) @Max(100)
  maxSafetyOrders: number = 0;

  /** Safety orders placed ahead on the exchange. */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 1, description: 'Safety orders placed ahead on the exchange at once; at most `maxSafetyOrders`.', example: 2 })
  @IsOmittable() @IsInt() @Min(1) @Max(100)
  @Requires<number>('notAboveMaxSafetyOrders', (value, dca) => !Number.isInteger(dca.maxSafetyOrders) || value <= Math.max(1, dca.maxSafetyOrders), 'maxActiveSafetyOrders must not exceed maxSafetyOrders')
  maxActiveSafetyOrders: number = 1;

  /** Deviation (%) from the base order's fill price to the first safety order. */
  @ApiPropertyOptional({ type: Number, minimum: 0, exclusiveMinimum: true, maximum: 100, default: 1, description: 'Deviation (%) from the base order\'s fill price to the first safety order.', example: 1 })
  @IsOmittable() @IsNumber(FINITE) @IsPositive() @Max(100)
  priceDeviation: number = 1;

  @ApiPropertyOptional({ type: Number, minimum: 0.1, maximum: 10, default: 1, description: 'Each step of the ladder is this many times the previous one.', example: 2 })
  @IsOmittable() @IsNumber(FINITE) @Min(0.1) @Max(10)
  safetyOrderStepScale: number = 1;

  @ApiPropertyOptional({ type: Number, minimum: 0.1, maximum: 10, default: 1, description: 'Each safety order is this many times the previous one.', example: 2 })
  @IsOmittable() @IsNumber(FINITE) @Min(0.1) @Max(10)
  safetyOrderVolumeScale: number = 1;

  /** Take profit (%) of the average entry, or of the base order size (`takeProfitType`). */
  @ApiPropertyOptional({ type: Number, minimum: 0, exclusiveMinimum: true, maximum: 1000, description: 'Take profit (%) of the average entry, or of the base order size (`takeProfitType`); below 100 for a short.', example: 1.5 })
  @IsOptional() @IsNumber(FINITE) @IsPositive() @Max(1000)
  @Requires<number>('shortTakeProfitBelow100', (value, dca) => dca.direction !== 'short' || value < 100, 'takeProfit must be below 100 for a short')
  takeProfit?: number;

  @ApiPropertyOptional({ enum: ['average', 'base'], default: 'average', description: 'What `takeProfit` is a percentage of.', example: 'average' })
  @IsOmittable() @IsIn(['average', 'base'])
  takeProfitType: 'average' | 'base' = 'average';

  /** Trailing deviation (%): once the take profit is reached, follow the price and close on this pullback. */
  @ApiPropertyOptional({ type: Number, minimum: 0, exclusiveMinimum: true, maximum: 100, description: 'Trailing deviation (%): once the take profit is reached, follow the price and close on this pull-back; below `takeProfit`.', example: 0.5 })
  @IsOptional() @IsNumber(FINITE) @IsPositive() @Max(100)
  @Requires<number>('belowTakeProfit', (value, dca) => dca.takeProfit != null && (!isFiniteNumber(dca.takeProfit) || !(dca.takeProfit > 0) || value < dca.takeProfit), 'trailingTakeProfit needs a takeProfit above it')
  trailingTakeProfit?: number;

  @ApiPropertyOptional({ type: [TakeProfitStepDto], maxItems: 10, description: 'Multi-step take profit: ascending profits, `closePercent` adding up to at most 100; `takeProfit` (when set) closes what remains.' })
  @IsOptional() @IsArray() @ArrayMaxSize(10)
  @IsObject({ each: true, message: 'each item of $property must be an object' }) @ValidateNested({ each: true }) @Type(() => TakeProfitStepDto)
  @Requires('stepsAddUp', stepsAddUp, 'takeProfitSteps must have ascending profits and closePercent adding up to at most 100')
  takeProfitSteps?: TakeProfitStepDto[];

  /** Stop loss (%) from the average entry. */
  @ApiPropertyOptional({ type: Number, minimum: 0, exclusiveMinimum: true, maximum: 100, description: 'Stop loss (%) from the average entry.', example: 20 })
  @IsOptional() @IsNumber(FINITE) @IsPositive() @Max(100)
  stopLoss?: number;

  /** Seconds the price must stay past the stop loss before it acts. */
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_WAIT_SECONDS, default: 0, description: 'Seconds the price must stay past the stop loss before it acts; needs `stopLoss`.', example: 0 })
  @IsOmittable() @IsInt() @Min(0) @Max(MAX_WAIT_SECONDS)
  @Requires<number>('timeoutNeedsStopLoss', (value, dca) => value === 0 || isFiniteNumber(dca.stopLoss), 'stopLossTimeout needs a stopLoss')
  stopLossTimeout: number = 0;

  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Move the stop loss up with the price; needs `stopLoss`.', example: false })
  @IsOmittable() @IsBoolean()
  @Requires<boolean>('trailingNeedsStopLoss', (value, dca) => value !== true || isFiniteNumber(dca.stopLoss), 'trailingStopLoss needs a stopLoss')
  trailingStopLoss: boolean = false;

  /** Seconds between the close of a deal and the start of the next. */
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_WAIT_SECONDS, default: 0, description: 'Seconds between the close of a deal and the start of the next.', example: 0 })
  @IsOmittable() @IsInt() @Min(0) @Max(MAX_WAIT_SECONDS)
  cooldown: number = 0;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 1, description: 'Deals open at once.', example: 1 })
  @IsOmittable() @IsInt() @Min(1) @Max(100)
  maxActiveDeals: number = 1;

  /** Start deals as soon as possible instead of on the bot's conditions. */
  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Start deals as soon as possible instead of on the bot\'s conditions (which may then be left out).', example: false })
  @IsOmittable() @IsBoolean()
  startAsap: boolean = false;

  @ApiPropertyOptional({ enum: ['market', 'limit'], default: 'market', description: 'Type of the base order.', example: 'market' })
  @IsOmittable() @IsIn(['market', 'limit'])
  orderType: 'market' | 'limit' = 'market';

  @ApiPropertyOptional({ enum: ['long', 'short'], default: 'long', example: 'long' })
  @IsOmittable() @IsIn(['long', 'short'])
  direction: 'long' | 'short' = 'long';
}
