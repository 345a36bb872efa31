import type { DataSource } from 'typeorm';

/**
 * Marks triggers that were published straight after their commit (not by a pass). One UPDATE at a time; the ids
 * handed over meanwhile go together in the next one, so that marking never holds up publishing. A mark that fails
 * leaves its triggers unpublished in Postgres: a later pass publishes them again, which the delivery keys make harmless.
 */
export class PublishedMarks {
  private pending: string[] = [];
  private flushing?: Promise<void>;

  constructor(
    private readonly db: DataSource,
    private readonly onError: (error: unknown, count: number) => void,
  ) {}

  add(ids: string[]): void {
    this.pending.push(...ids);
    this.flushing ??= this.flush();
  }

  /** Resolves once every id handed over so far is marked (or failed to be). */
  settled(): Promise<void> {
    return this.flushing ?? Promise.resolve();
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const ids = this.pending.splice(0);
        try {
          await this.db.query(`UPDATE triggers SET published_at = now() WHERE id = ANY($1::uuid[]) AND published_at IS NULL`, [ids]);
        } catch (error) {
          this.onError(error, ids.length);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }
}
