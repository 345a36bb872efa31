import { createHash, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/index.js';
import { newToken } from './token-secret.js';

const digest = (token: string) => createHash('sha256').update(token).digest();

/**
 * The admin token: ADMIN_TOKEN, or (outside production, where the config refuses to start without it) one kept in
 * ADMIN_TOKEN_FILE, generated on the first start with mode 0600. Only the file's path is ever logged.
 */
export class AdminToken {
  private constructor(private readonly hash: Buffer) {}

  static fromConfig(config: AppConfig, logger = new Logger(AdminToken.name)): AdminToken {
    if (config.env.ADMIN_TOKEN) return new AdminToken(digest(config.env.ADMIN_TOKEN));
    const path = config.env.ADMIN_TOKEN_FILE;
    const { token, created } = readOrCreate(path);
    logger.log(`ADMIN_TOKEN is not set: the admin token is in ${path}${created ? ' (generated now, readable by this user only)' : ''}`);
    return new AdminToken(digest(token));
  }

  /** Constant-time: both sides are hashed to the same length first, so neither length nor content leaks. */
  matches(token: string): boolean {
    return timingSafeEqual(digest(token), this.hash);
  }
}

function readOrCreate(path: string): { token: string; created: boolean } {
  const existing = readIfPresent(path);
  if (existing) return { token: existing, created: false };
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const token = newToken();
  try {
    writeFileSync(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return { token, created: true };
  } catch (error) {
    // Another process starting at the same moment wrote it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const written = readIfPresent(path);
    if (!written) throw new Error(`${path} exists but holds no token: delete it (a new one is generated at start) or set ADMIN_TOKEN`);
    return { token: written, created: false };
  }
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
