import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsPositive, IsString, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';

const toNumber = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);
const toBoolean = ({ value }: { value: unknown }) => (value === 'true' || value === '1' ? true : value === 'false' || value === '0' || value === '' ? false : value);

/** Every environment variable the app reads, with its default. Validated once at start-up. */
export class EnvSchema {
  @Transform(toNumber) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @Transform(emptyToUndefined) @IsOptional() @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_URL?: string;

  /** Where the embedded PostgreSQL keeps its data when DATABASE_URL is not set. */
  @IsString()
  EMBEDDED_PG_DIR = '.data/postgres';

  @Transform(toNumber) @IsInt() @Min(1024) @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  @Transform(emptyToUndefined) @IsOptional() @Matches(/^rediss?:\/\//, { message: 'must be a redis:// URL' })
  REDIS_URL?: string;

  @IsString() @Matches(/^[\w:.-]+$/, { message: 'may hold letters, digits and _ : . - only' })
  REDIS_KEY_PREFIX = 'tbo';

  @IsIn(['simulated', 'csv', 'ccxt'])
  MARKET_DATA_SOURCE: 'simulated' | 'csv' | 'ccxt' = 'simulated';

  @ValidateIf((env: EnvSchema) => env.MARKET_DATA_SOURCE === 'csv')
  @IsString({ message: 'is required when MARKET_DATA_SOURCE=csv: SYMBOL@TIMEFRAME=path entries, comma-separated' })
  MARKET_DATA_CSV?: string;

  @Transform(toNumber) @IsInt()
  MARKET_DATA_SEED = 42;

  /** Simulated seconds per real second in csv/simulated mode. */
  @Transform(toNumber) @IsNumber() @IsPositive()
  REPLAY_SPEED = 1;

  /**
   * Wall time (epoch ms) at which the replay began: replicas and restarted instances given the same value share
   * one market time. Default: when this process starts.
   */
  @Transform(toNumber) @IsOptional() @IsInt() @Min(0)
  REPLAY_STARTED_AT?: number;

  @Matches(/^(off|\S+ \S+ \S+ \S+ \S+ \S+)$/, { message: 'must be a six-field cron expression with seconds, e.g. "*/10 * * * * *", or "off"' })
  EVALUATOR_CRON = '*/10 * * * * *';

  /** Candles of history fetched to warm up indicators when a series starts. */
  @Transform(toNumber) @IsInt() @Min(50) @Max(5000)
  EVALUATOR_WARMUP_CANDLES = 500;

  /** Health reports the evaluator degraded when its last completed tick is older than this. */
  @Transform(toNumber) @IsInt() @Min(1000)
  EVALUATOR_STALE_MS = 120_000;

  /** How long an instance's hold on a series lasts without renewal: a dead replica's series move on after this. */
  @Transform(toNumber) @IsInt() @Min(1000)
  EVALUATOR_LEASE_MS = 30_000;

  /** Bearer token of the admin (creates accounts). Required when NODE_ENV=production; otherwise generated into ADMIN_TOKEN_FILE. */
  @Transform(emptyToUndefined) @IsOptional() @IsString() @MinLength(16, { message: 'must be at least 16 characters (openssl rand -hex 32)' })
  ADMIN_TOKEN?: string;

  /** Where the generated admin token is kept (mode 0600) when ADMIN_TOKEN is not set. */
  @IsString()
  ADMIN_TOKEN_FILE = '.data/admin-token';

  /** Requests a minute per API token (per IP without one); beyond it, 429 with Retry-After. */
  @Transform(toNumber) @IsInt() @Min(1)
  RATE_LIMIT_PER_MINUTE = 1200;

  /** Key that encrypts exchange credentials at rest (AES-256-GCM): 32 bytes, hex or base64. Required once a live account exists. */
  @Transform(emptyToUndefined) @IsOptional() @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, { message: 'must be 32 bytes as 64 hex characters or base64 (openssl rand -hex 32)' })
  SECRETS_KEY?: string;

  /** Live orders whose outcome is unknown are resent only after this many not-found answers ... */
  @Transform(toNumber) @IsInt() @Min(1)
  ORDER_MISSING_CHECKS = 3;

  /** ... spread over at least this long (exchanges report fresh orders late). */
  @Transform(toNumber) @IsInt() @Min(0)
  ORDER_MISSING_AFTER_MS = 60_000;

  /** How often the reconciler polls non-terminal orders. */
  @Transform(toNumber) @IsInt() @Min(10)
  RECONCILE_INTERVAL_MS = 5_000;

  /** First retry delay after a network error or rate limit; doubles up to a minute. */
  @Transform(toNumber) @IsInt() @Min(1)
  ORDER_RETRY_BASE_MS = 1_000;

  /** Paper trading realism: market orders pay this slippage; limit orders fill at most this share of a candle's volume. */
  @Transform(toNumber) @IsNumber() @Min(0) @Max(0.05)
  PAPER_SLIPPAGE = 0.0005;

  @Transform(toNumber) @IsNumber() @Min(0.0001) @Max(1)
  PAPER_VOLUME_SHARE = 0.1;

  @Transform(toNumber) @IsNumber() @Min(0) @Max(0.1)
  PAPER_MAKER_FEE_RATE = 0.001;

  @Transform(toNumber) @IsNumber() @Min(0) @Max(0.1)
  PAPER_FEE_RATE = 0.001;

  @Matches(/^([A-Z0-9]+=\d+(\.\d+)?)(,[A-Z0-9]+=\d+(\.\d+)?)*$/, { message: 'must look like "USDT=10000,BTC=0.5"' })
  PAPER_BALANCES = 'USDT=10000';

  /** A pending bus message idle this long is taken over by another consumer. */
  @Transform(toNumber) @IsInt() @Min(10)
  BUS_CLAIM_IDLE_MS = 30_000;

  /** After this many failed deliveries a message goes to the dead-letter stream. */
  @Transform(toNumber) @IsInt() @Min(1)
  BUS_MAX_DELIVERIES = 5;

  /** How often the outbox relay looks for unpublished triggers (it also runs after every evaluation). */
  @Transform(toNumber) @IsInt() @Min(10)
  RELAY_INTERVAL_MS = 1000;

  /** A trigger published this long ago and still unhandled is published again (the bus may have lost it). */
  @Transform(toNumber) @IsInt() @Min(1000)
  RELAY_REPUBLISH_AFTER_MS = 300_000;

  @Transform(toNumber) @IsInt() @Min(0)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  /**
   * `pretty` for a person: the default with NODE_ENV=development, and at a terminal unless NODE_ENV=production;
   * `json` for machines otherwise (pino-pretty is a development dependency, absent from the production image).
   */
  @IsIn(['json', 'pretty'])
  LOG_FORMAT: 'json' | 'pretty' =
    process.env.NODE_ENV === 'development' || (process.stdout.isTTY && process.env.NODE_ENV !== 'production') ? 'pretty' : 'json';

  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  /**
   * Webhooks may target loopback, private and link-local addresses. Off by default: a URL given by a user and
   * POSTed to by the server could otherwise reach the server's own network (SSRF). Tests and local setups turn it on.
   */
  @Transform(toBoolean) @IsBoolean({ message: 'must be true or false' })
  WEBHOOK_ALLOW_PRIVATE_HOSTS = false;

  /** How often due webhook deliveries are sent; 0 sends none (tests dispatch by hand). */
  @Transform(toNumber) @IsInt() @Min(0)
  WEBHOOK_DISPATCH_INTERVAL_MS = 1000;

  /** A receiver that has not answered within this long has failed the attempt. */
  @Transform(toNumber) @IsInt() @Min(100) @Max(60_000)
  WEBHOOK_TIMEOUT_MS = 10_000;

  /** Attempts of a delivery before it is marked failed. */
  @Transform(toNumber) @IsInt() @Min(1) @Max(50)
  WEBHOOK_MAX_ATTEMPTS = 10;

  /** Delay before the first retry; it doubles with each failure (with jitter), up to an hour. */
  @Transform(toNumber) @IsInt() @Min(1)
  WEBHOOK_RETRY_BASE_MS = 30_000;
}
