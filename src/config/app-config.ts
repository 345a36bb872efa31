import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { validateCronExpression } from 'cron';
import { flattenValidationErrors } from '../common/validation.js';
import { EnvSchema } from './env.schema.js';

export class ConfigError extends Error {
  constructor(problems: string[]) {
    super(`Invalid configuration; fix these environment variables:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Secrets are never echoed back, even a wrong one: only their length is. */
const SECRETS = new Set(['ADMIN_TOKEN', 'SECRETS_KEY']);
const shown = (name: string, value: string | undefined) => (SECRETS.has(name) && value !== undefined ? `${value.length} characters` : JSON.stringify(value));

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
    const problems = flattenValidationErrors(errors).map((e) => `${e.field}: ${e.message} (got ${shown(e.field, source[e.field])})`);
    if (env.EVALUATOR_CRON !== 'off' && !validateCronExpression(env.EVALUATOR_CRON).valid) {
      problems.push(`EVALUATOR_CRON: not a valid cron expression (got ${JSON.stringify(env.EVALUATOR_CRON)})`);
    }
    if (!env.ADMIN_TOKEN && source.NODE_ENV === 'production') {
      problems.push('ADMIN_TOKEN: is required when NODE_ENV=production (generate one with: openssl rand -hex 32)');
    }
    if (problems.length > 0) {
      throw new ConfigError(problems);
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
