import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsObject, IsOptional, IsPositive, Max, Min, ValidateNested } from 'class-validator';

const FINITE = { allowNaN: false, allowInfinity: false };
/** Longest window or cooldown of the stoploss guard: one year. */
const MAX_SECONDS = 365 * 24 * 3600;

export class StoplossGuardDto {
  /** Stop losses (stop_loss or trailing_stop closes) that trip the guard. */
  @IsInt() @Min(1) @Max(1000)
  count: number;

  /** How far back from the decision the stop losses are counted. */
  @IsNumber(FINITE) @IsPositive() @Max(MAX_SECONDS)
  windowSeconds: number;

  /** How long new deals stay paused after the stop loss that tripped the guard. */
  @IsNumber(FINITE) @IsPositive() @Max(MAX_SECONDS)
  cooldownSeconds: number;
}

/** The body of `PUT /exchange-accounts/:id/risk`: it replaces the account's limits; a limit left out (or null) is off. */
export class RiskSettingsDto {
  /** Quote currency: the open part of all open deals plus the new deal's base order may not exceed it. */
  @IsOptional() @IsNumber(FINITE) @IsPositive() @Max(1e15)
  maxExposure?: number | null;

  @IsOptional() @IsInt() @Min(1) @Max(100_000)
  maxOpenDeals?: number | null;

  /** Quote currency, positive: no new deal for the rest of the UTC day once today's realized PnL is at or below minus this. */
  @IsOptional() @IsNumber(FINITE) @IsPositive() @Max(1e15)
  dailyLossLimit?: number | null;

  @IsOptional() @IsObject() @ValidateNested() @Type(() => StoplossGuardDto)
  stoplossGuard?: StoplossGuardDto | null;
}
