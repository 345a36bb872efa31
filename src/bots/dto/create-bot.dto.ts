import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateIf, ValidateNested,
} from 'class-validator';
import { IsPrintable } from '../../common/validation.js';
import { DcaSettingsDto, GridSettingsDto, TrendSettingsDto } from '../../executors/index.js';
import { ConditionDto } from '../../registry/index.js';

export const BOT_TYPES = ['dca', 'trend', 'grid'] as const;

export class CreateBotDto {
  @ApiProperty({ type: String, minLength: 1, maxLength: 100, description: 'A name to recognise the bot by.', example: 'rsi dip' })
  @IsString() @MinLength(1) @MaxLength(100) @IsPrintable()
  name: string;

  @ApiProperty({ enum: BOT_TYPES, description: 'The bot type; its settings go in the property of the same name (`dca`, `trend` or `grid`).', example: 'dca' })
  @IsIn(BOT_TYPES)
  type: (typeof BOT_TYPES)[number];

  /** `paper`, or the ccxt id of the exchange account's venue (e.g. `binance`), which then needs `exchangeAccountId`. */
  @ApiProperty({ type: String, pattern: '^[a-z0-9]{2,30}$', description: '`paper`, or the ccxt id of the exchange account\'s venue (e.g. `binance`), which then needs `exchangeAccountId`.', example: 'paper' })
  @IsString() @Matches(/^[a-z0-9]{2,30}$/, { message: 'exchange must be "paper" or a ccxt exchange id such as "binance"' })
  exchange: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', description: 'The exchange account to trade through; without it, the default paper account.', example: '0b6f5c1e-8f5a-4b7e-9a53-5f2d8a0c1e77' })
  @IsOptional() @IsUUID()
  exchangeAccountId?: string;

  @ApiProperty({ type: String, pattern: '^[A-Za-z0-9]{1,20}/[A-Za-z0-9]{1,20}$', description: 'The market, as BASE/QUOTE.', example: 'BTC/USDT' })
  @IsString() @Matches(/^[A-Za-z0-9]{1,20}\/[A-Za-z0-9]{1,20}$/, { message: 'symbol must look like BASE/QUOTE, e.g. BTC/USDT' })
  symbol: string;

  /**
   * Entry conditions, all of which must hold; optional for a DCA bot that starts deals as soon as possible, and for a
   * grid (its start condition: without one it starts at once).
   */
  @ApiPropertyOptional({ type: [ConditionDto], minItems: 1, maxItems: 10, description: 'Entry conditions, all of which must hold. Required, except for a DCA bot with `dca.startAsap` and for a grid (its start condition: without one it starts at once).' })
  @ValidateIf((bot: CreateBotDto) => !((bot.type === 'dca' && bot.dca?.startAsap === true) || bot.type === 'grid') || bot.conditions !== undefined)
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10)
  @IsObject({ each: true, message: 'each item of $property must be an object' }) @ValidateNested({ each: true }) @Type(() => ConditionDto)
  conditions?: ConditionDto[];

  @ApiPropertyOptional({ type: DcaSettingsDto, description: 'Required when `type` is `dca`.' })
  @ValidateIf((bot: CreateBotDto) => bot.type === 'dca', { message: 'dca settings are required for a dca bot' })
  @IsObject({ message: 'dca settings are required for a dca bot, e.g. {"baseOrderSize": 100}' })
  @ValidateNested() @Type(() => DcaSettingsDto)
  dca?: DcaSettingsDto;

  @ApiPropertyOptional({ type: TrendSettingsDto, description: 'Required when `type` is `trend`.' })
  @ValidateIf((bot: CreateBotDto) => bot.type === 'trend', { message: 'trend settings are required for a trend bot' })
  @IsObject({ message: 'trend settings are required for a trend bot, e.g. {"exitConditions": [...], "positionSize": 100}' })
  @ValidateNested() @Type(() => TrendSettingsDto)
  trend?: TrendSettingsDto;

  @ApiPropertyOptional({ type: GridSettingsDto, description: 'Required when `type` is `grid`.' })
  @ValidateIf((bot: CreateBotDto) => bot.type === 'grid', { message: 'grid settings are required for a grid bot' })
  @IsObject({ message: 'grid settings are required for a grid bot, e.g. {"lowerPrice": 20000, "upperPrice": 24000, "gridLines": 10, "investment": 1000}' })
  @ValidateNested() @Type(() => GridSettingsDto)
  grid?: GridSettingsDto;

  /** A created bot runs at once unless this is false. */
  @ApiPropertyOptional({ type: Boolean, default: true, description: 'A created bot runs at once unless this is false.', example: true })
  @IsOptional() @IsBoolean()
  start?: boolean;
}
