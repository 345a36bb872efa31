import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateIf, ValidateNested,
} from 'class-validator';
import { DcaSettingsDto } from '../../executors/index.js';
import { ConditionDto } from './condition.dto.js';

export const BOT_TYPES = ['dca'] as const;

export class CreateBotDto {
  @IsString() @MinLength(1) @MaxLength(100)
  name: string;

  @IsIn(BOT_TYPES)
  type: (typeof BOT_TYPES)[number];

  /** Until live exchange accounts exist, bots trade on the paper exchange. */
  @IsIn(['paper'], { message: 'exchange must be "paper" (live exchanges come with exchange accounts)' })
  exchange: string;

  @IsOptional() @IsUUID()
  exchangeAccountId?: string;

  @IsString() @Matches(/^[A-Za-z0-9]{1,20}\/[A-Za-z0-9]{1,20}$/, { message: 'symbol must look like BASE/QUOTE, e.g. BTC/USDT' })
  symbol: string;

  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10)
  @ValidateNested({ each: true }) @Type(() => ConditionDto)
  conditions: ConditionDto[];

  @ValidateIf((bot: CreateBotDto) => bot.type === 'dca', { message: 'dca settings are required for a dca bot' })
  @IsObject({ message: 'dca settings are required for a dca bot, e.g. {"baseOrderSize": 100}' })
  @ValidateNested() @Type(() => DcaSettingsDto)
  dca?: DcaSettingsDto;

  /** A created bot runs at once unless this is false. */
  @IsOptional() @IsBoolean()
  start?: boolean;
}
