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
  @IsString() @Matches(/^[a-z0-9]{2,30}$/, { message: 'exchange must be a ccxt exchange id such as "binance", or "paper"' })
  exchange: string;

  @IsString() @MinLength(1) @MaxLength(100) @IsPrintable()
  label: string;

  @ValidateIf((dto: CreateExchangeAccountDto) => dto.exchange !== 'paper')
  @IsString({ message: 'apiKey is required for a live exchange account' }) @MinLength(1) @MaxLength(512)
  @Matches(HEADER_SAFE, { message: 'apiKey must be printable ASCII: it is sent in an HTTP header' })
  apiKey?: string;

  @ValidateIf((dto: CreateExchangeAccountDto) => dto.exchange !== 'paper')
  @IsString({ message: 'secret is required for a live exchange account' }) @MinLength(1) @MaxLength(2048)
  secret?: string;

  @IsOptional() @IsString() @MaxLength(512)
  @Matches(HEADER_SAFE, { message: 'password must be printable ASCII: exchanges take it in an HTTP header' })
  password?: string;

  /** Use the exchange's test network: connect a sandbox account first. */
  @IsOptional() @IsBoolean()
  sandbox?: boolean;

  /** Paper accounts only: starting balances (default: PAPER_BALANCES). */
  @IsOptional() @IsObject() @AreBalances()
  balances?: Record<string, number>;
}
