import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsObject, IsOptional, IsPositive, Max, Min, ValidateNested } from 'class-validator';

const FINITE = { allowNaN: false, allowInfinity: false };
/** Longest window or cooldown of the stoploss guard: one year. */
const MAX_SECONDS = 365 * 24 * 3600;

export class StoplossGuardDto {
  /** Stop losses (stop_loss or trailing_stop closes) that trip the guard. */
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 1000, description: 'Stop losses (stop_loss or trailing_stop closes) that trip the guard.', example: 3 })
  @IsInt() @Min(1) @Max(1000)
  count: number;

  /** How far back from the decision the stop losses are counted. */
  @ApiProperty({ type: Number, minimum: 0, exclusiveMinimum: true, maximum: MAX_SECONDS, description: 'How far back (seconds) the stop losses are counted.', example: 86400 })
  @IsNumber(FINITE) @IsPositive() @Max(MAX_SECONDS)
  windowSeconds: number;

  /** How long new deals stay paused after the stop loss that tripped the guard. */
  @ApiProperty({ type: Number, minimum: 0, exclusiveMinimum: true, maximum: MAX_SECONDS, description: 'How long (seconds) new deals stay paused after the stop loss that tripped the guard.', example: 43200 })
  @IsNumber(FINITE) @IsPositive() @Max(MAX_SECONDS)
  cooldownSeconds: number;
}

/** The body of `PUT /exchange-accounts/:id/risk`: it replaces the account's limits; a limit left out (or null) is off. */
export class RiskSettingsDto {
  /** Quote currency: the open part of all open deals plus the new deal's base order may not exceed it. */
  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, exclusiveMinimum: true, maximum: 1e15, description: 'Quote currency: the open part of all open deals plus a new deal\'s base order may not exceed it.', example: 5000 })
  @IsOptional() @IsNumber(FINITE) @IsPositive() @Max(1e15)
  maxExposure?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: 100_000, description: 'Open deals across the account\'s bots.', example: 10 })
  @IsOptional() @IsInt() @Min(1) @Max(100_000)
  maxOpenDeals?: number | null;

  /** Quote currency, positive: no new deal for the rest of the UTC day once today's realized PnL is at or below minus this. */
  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, exclusiveMinimum: true, maximum: 1e15, description: 'Quote currency: no new deal for the rest of the UTC day once today\'s realized PnL is at or below minus this.', example: 200 })
  @IsOptional() @IsNumber(FINITE) @IsPositive() @Max(1e15)
  dailyLossLimit?: number | null;

  @ApiPropertyOptional({ type: StoplossGuardDto, nullable: true, description: 'Pause new deals after `count` stop losses within `windowSeconds`.' })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => StoplossGuardDto)
  stoplossGuard?: StoplossGuardDto | null;
}
