import { IsIn, IsNumber, IsOptional, IsPositive, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';

/** The actions a TradingView-style alert may carry, by what they ask of the bot. */
export const ENTRY_ACTIONS = ['buy', 'long', 'enter', 'entry', 'open'] as const;
export const EXIT_ACTIONS = ['sell', 'short', 'exit', 'close', 'flat'] as const;

/** A TradingView-style alert: `{"action": "buy", "price": 23150.5}`, with the bot's secret in the body or a header. */
export class SignalDto {
  @IsIn([...ENTRY_ACTIONS, ...EXIT_ACTIONS], { message: `action must be one of ${[...ENTRY_ACTIONS, ...EXIT_ACTIONS].join(', ')}` })
  action: string;

  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @IsPositive()
  price?: number;

  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @IsPositive()
  amount?: number;

  /** The sender's id of this alert: a repeat of it is recognised and does nothing. */
  @IsOptional() @IsString() @Matches(/^[\w.:-]{1,100}$/, { message: 'id may hold up to 100 letters, digits and _ . : -' })
  id?: string;

  /** When the alert fired: ISO-8601 or epoch milliseconds; absent, when it arrived. */
  @IsOptional() @ValidateIf((s: SignalDto) => typeof s.time === 'string') @Matches(/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/, { message: 'time must be ISO-8601 or epoch milliseconds' })
  time?: string | number;

  @IsOptional() @IsString() @MaxLength(200)
  secret?: string;

  /** TradingView's own fields are accepted and ignored. */
  @IsOptional() @IsString() @MaxLength(100)
  ticker?: string;
}

export class SignalSecretDto {
  /** Signals older than this many seconds when they arrive are dropped. */
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @IsPositive()
  maxLag?: number;
}
