import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/index.js';

/**
 * Leases on series, in Postgres: an instance evaluates a series only while it holds its lease, renewed every tick.
 * A lease left by a dead instance expires after EVALUATOR_LEASE_MS and goes to whichever instance ticks next.
 * (The cursors' optimistic check stays the guarantee; the lease keeps replicas from computing the same candles.)
 */
@Injectable()
export class SeriesLeases implements OnApplicationShutdown {
  readonly holder = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** Takes or renews the leases it can among `seriesKeys`; returns those held. */
  async acquire(seriesKeys: string[]): Promise<Set<string>> {
    if (seriesKeys.length === 0) return new Set();
    const rows: { series_key: string }[] = await this.db.query(
      `INSERT INTO series_leases (series_key, holder, expires_at)
       SELECT key, $2, now() + make_interval(secs => $3::double precision / 1000) FROM unnest($1::text[]) AS key
       ON CONFLICT (series_key) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
         WHERE series_leases.holder = EXCLUDED.holder OR series_leases.expires_at < now()
       RETURNING series_key`,
      [seriesKeys, this.holder, this.config.env.EVALUATOR_LEASE_MS],
    );
    return new Set(rows.map((row) => row.series_key));
  }

  /** On a clean shutdown the series go to the other instances at once, not after the lease runs out. */
  async onApplicationShutdown(): Promise<void> {
    await this.db.query(`DELETE FROM series_leases WHERE holder = $1`, [this.holder]).catch(() => undefined);
  }
}
