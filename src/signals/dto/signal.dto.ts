import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumber, IsOptional, IsPositive, IsString, Matches, Max, MaxLength, ValidateBy } from 'class-validator';

/** The actions a TradingView-style alert may carry, by what they ask of the bot. */
export const ENTRY_ACTIONS = ['buy', 'long', 'enter', 'entry', 'open'] as const;
export const EXIT_ACTIONS = ['sell', 'short', 'exit', 'close', 'flat'] as const;

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/;
/** The latest time a Date can hold, in epoch milliseconds. */
const MAX_EPOCH_MS = 8.64e15;

/** ISO-8601 with a zone, or epoch milliseconds, naming a time a Date can hold (`2024-13-45T…` or 1e20 cannot be stored). */
function IsAlertTime() {
  return ValidateBy({
    name: 'isAlertTime',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'number'
          ? Number.isInteger(value) && value >= 0 && value <= MAX_EPOCH_MS
          : typeof value === 'string' && ISO_8601.test(value) && Number.isFinite(Date.parse(value)),
      defaultMessage: () => 'time must be ISO-8601 or epoch milliseconds',
    },
  });
}

/** A TradingView-style alert: `{"action": "buy", "price": 23150.5}`, with the bot's secret in the body or a header. */
export class SignalDto {
  @ApiProperty({ enum: [...ENTRY_ACTIONS, ...EXIT_ACTIONS], description: 'Entry actions (`buy`, `long`, `enter`, `entry`, `open`) open a deal; exit actions (`sell`, `short`, `exit`, `close`, `flat`) close the open one.', example: 'buy' })
  @IsIn([...ENTRY_ACTIONS, ...EXIT_ACTIONS], { message: `action must be one of ${[...ENTRY_ACTIONS, ...EXIT_ACTIONS].join(', ')}` })
  action: string;

  @ApiPropertyOptional({ type: Number, minimum: 0, exclusiveMinimum: true, description: 'The price the alert saw.', example: 23150.5 })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @IsPositive()
  price?: number;

  @ApiPropertyOptional({ type: Number, minimum: 0, exclusiveMinimum: true, description: 'Amount, as the sender states it.', example: 0.01 })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @IsPositive()
  amount?: number;

  /** The sender's id of this alert: a repeat of it is recognised and does nothing. */
  @ApiPropertyOptional({ type: String, pattern: '^[\\w.:-]{1,100}$', description: 'The sender\'s id of this alert: a repeat of it is recognised and does nothing.', example: 'alert-1' })
  @IsOptional() @IsString() @Matches(/^[\w.:-]{1,100}$/, { message: 'id may hold up to 100 letters, digits and _ . : -' })
  id?: string;

  /** When the alert fired: ISO-8601 or epoch milliseconds; absent, when it arrived. */
  @ApiPropertyOptional({ oneOf: [{ type: 'string', format: 'date-time' }, { type: 'integer', minimum: 0 }], description: 'When the alert fired: ISO-8601 with a zone, or epoch milliseconds; absent, when it arrived. Older than the bot\'s `maxLag`, it is dropped.', example: '2024-05-01T12:00:00Z' })
  @IsOptional() @IsAlertTime()
  time?: string | number;

  @ApiPropertyOptional({ type: String, maxLength: 200, description: 'The bot\'s signal secret (`POST /bots/{id}/signal-secret`), here or in the `X-Signal-Secret` header.', example: 'sig_the-secret-shown-once' })
  @IsOptional() @IsString() @MaxLength(200)
  secret?: string;

  /** TradingView's own fields are accepted and ignored. */
  @ApiPropertyOptional({ type: String, maxLength: 100, description: 'TradingView\'s own field: accepted and ignored.', example: 'BTCUSDT' })
  @IsOptional() @IsString() @MaxLength(100)
  ticker?: string;
}

/** Longest maxLag: a year (the column is a 32-bit integer of seconds). */
const MAX_LAG_SECONDS = 365 * 86_400;

export class SignalSecretDto {
  /** Signals older than this many seconds when they arrive are dropped. */
  @ApiPropertyOptional({ type: Number, minimum: 0, exclusiveMinimum: true, maximum: MAX_LAG_SECONDS, description: 'Signals older than this many seconds when they arrive are dropped.', example: 60 })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @IsPositive() @Max(MAX_LAG_SECONDS)
  maxLag?: number;
}
