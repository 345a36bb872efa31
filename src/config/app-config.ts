import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { flattenValidationErrors } from '../common/validation.js';
import { EnvSchema } from './env.schema.js';

export class ConfigError extends Error {
  constructor(problems: string[]) {
    super(`Invalid configuration; fix these environment variables:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** The validated configuration: read everywhere through this class, never through process.env. */
export class AppConfig {
  private constructor(readonly env: Readonly<EnvSchema>) {}

  static fromEnv(source: Record<string, string | undefined>): AppConfig {
    const known = Object.keys(new EnvSchema());
    const picked = Object.fromEntries(
      Object.entries(source).filter(([key, value]) => value !== undefined && (known.includes(key) || key in EnvSchema.prototype)),
    );
    const env = plainToInstance(EnvSchema, picked);
    const errors = validateSync(env, { forbidUnknownValues: false });
    if (errors.length > 0) {
      throw new ConfigError(flattenValidationErrors(errors).map((e) => `${e.field}: ${e.message} (got ${JSON.stringify(source[e.field])})`));
    }
    return new AppConfig(env);
  }

  get paperBalances(): Record<string, number> {
    return Object.fromEntries(
      this.env.PAPER_BALANCES.split(',').map((entry) => {
        const [asset, amount] = entry.split('=');
        return [asset, Number(amount)];
      }),
    );
  }
}
