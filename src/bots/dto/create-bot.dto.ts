import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateIf, ValidateNested,
} from 'class-validator';
import { IsPrintable } from '../../common/validation.js';
import { DcaSettingsDto, GridSettingsDto, TrendSettingsDto } from '../../executors/index.js';
import { ConditionDto } from '../../registry/index.js';

export const BOT_TYPES = ['dca', 'trend', 'grid'] as const;

export class CreateBotDto {
  @IsString() @MinLength(1) @MaxLength(100) @IsPrintable()
  name: string;

  @IsIn(BOT_TYPES)
  type: (typeof BOT_TYPES)[number];

  /** `paper`, or the ccxt id of the exchange account's venue (e.g. `binance`), which then needs `exchangeAccountId`. */
  @IsString() @Matches(/^[a-z0-9]{2,30}$/, { message: 'exchange must be "paper" or a ccxt exchange id such as "binance"' })
  exchange: string;

  @IsOptional() @IsUUID()
  exchangeAccountId?: string;

  @IsString() @Matches(/^[A-Za-z0-9]{1,20}\/[A-Za-z0-9]{1,20}$/, { message: 'symbol must look like BASE/QUOTE, e.g. BTC/USDT' })
  symbol: string;

  /**
   * Entry conditions, all of which must hold; optional for a DCA bot that starts deals as soon as possible, and for a
   * grid (its start condition: without one it starts at once).
   */
  @ValidateIf((bot: CreateBotDto) => !((bot.type === 'dca' && bot.dca?.startAsap === true) || bot.type === 'grid') || bot.conditions !== undefined)
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10)
  @IsObject({ each: true, message: 'each item of $property must be an object' }) @ValidateNested({ each: true }) @Type(() => ConditionDto)
  conditions?: ConditionDto[];

  @ValidateIf((bot: CreateBotDto) => bot.type === 'dca', { message: 'dca settings are required for a dca bot' })
  @IsObject({ message: 'dca settings are required for a dca bot, e.g. {"baseOrderSize": 100}' })
  @ValidateNested() @Type(() => DcaSettingsDto)
  dca?: DcaSettingsDto;

  @ValidateIf((bot: CreateBotDto) => bot.type === 'trend', { message: 'trend settings are required for a trend bot' })
  @IsObject({ message: 'trend settings are required for a trend bot, e.g. {"exitConditions": [...], "positionSize": 100}' })
  @ValidateNested() @Type(() => TrendSettingsDto)
  trend?: TrendSettingsDto;

  @ValidateIf((bot: CreateBotDto) => bot.type === 'grid', { message: 'grid settings are required for a grid bot' })
  @IsObject({ message: 'grid settings are required for a grid bot, e.g. {"lowerPrice": 20000, "upperPrice": 24000, "gridLines": 10, "investment": 1000}' })
  @ValidateNested() @Type(() => GridSettingsDto)
  grid?: GridSettingsDto;

  /** A created bot runs at once unless this is false. */
  @IsOptional() @IsBoolean()
  start?: boolean;
}
