import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateBy, ValidateIf, isNumber } from 'class-validator';
import { IsPrintable } from '../../../common/validation.js';

/** Balances like {"USDT": 10000, "BTC": 0.5}: asset codes to finite, non-negative amounts. */
function AreBalances() {
  return ValidateBy({
    name: 'areBalances',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'object' && value !== null && Object.keys(value).length <= 50 &&
        Object.entries(value).every(([asset, amount]) => /^[A-Z0-9]{1,20}$/.test(asset) && isNumber(amount, { allowNaN: false, allowInfinity: false }) && (amount as number) >= 0 && (amount as number) <= 1e15),
      defaultMessage: () => 'balances must map asset codes (e.g. USDT) to non-negative numbers',
    },
  });
}

/** What an HTTP header value can carry (ccxt sends the key and the passphrase in headers); the secret only signs, and may be a PEM key. */
const HEADER_SAFE = /^[\x20-\x7e]*$/;

export class CreateExchangeAccountDto {
  /** A ccxt exchange id (e.g. `binance`), or `paper` for a simulated account. */
  @ApiProperty({ type: String, pattern: '^[a-z0-9]{2,30}$', description: 'A ccxt exchange id (e.g. `binance`), or `paper` for a simulated account.', example: 'paper' })
  @IsString() @Matches(/^[a-z0-9]{2,30}$/, { message: 'exchange must be a ccxt exchange id such as "binance", or "paper"' })
  exchange: string;

  @ApiProperty({ type: String, minLength: 1, maxLength: 100, description: 'A name to recognise the account by.', example: 'paper 2' })
  @IsString() @MinLength(1) @MaxLength(100) @IsPrintable()
  label: string;

  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 512, writeOnly: true, description: 'Required for a live account: printable ASCII. Encrypted at rest, never returned.', example: 'your-api-key' })
  @ValidateIf((dto: CreateExchangeAccountDto) => dto.exchange !== 'paper')
  @IsString({ message: 'apiKey is required for a live exchange account' }) @MinLength(1) @MaxLength(512)
  @Matches(HEADER_SAFE, { message: 'apiKey must be printable ASCII: it is sent in an HTTP header' })
  apiKey?: string;

  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 2048, writeOnly: true, description: 'Required for a live account. Encrypted at rest, never returned.', example: 'your-api-secret' })
  @ValidateIf((dto: CreateExchangeAccountDto) => dto.exchange !== 'paper')
  @IsString({ message: 'secret is required for a live exchange account' }) @MinLength(1) @MaxLength(2048)
  secret?: string;

  @ApiPropertyOptional({ type: String, maxLength: 512, writeOnly: true, description: 'The passphrase some exchanges ask for: printable ASCII.', example: 'your-api-passphrase' })
  @IsOptional() @IsString() @MaxLength(512)
  @Matches(HEADER_SAFE, { message: 'password must be printable ASCII: exchanges take it in an HTTP header' })
  password?: string;

  /** Use the exchange's test network: connect a sandbox account first. */
  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Use the exchange\'s test network: connect a sandbox account first.', example: true })
  @IsOptional() @IsBoolean()
  sandbox?: boolean;

  /** Paper accounts only: starting balances (default: PAPER_BALANCES). */
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'number', minimum: 0 }, maxProperties: 50, description: 'Paper accounts only: starting balances by asset code (default: `PAPER_BALANCES`).', example: { USDT: 5000, BTC: 0.1 } })
  @IsOptional() @IsObject() @AreBalances()
  balances?: Record<string, number>;
}
