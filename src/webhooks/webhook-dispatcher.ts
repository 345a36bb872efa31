import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../clock/index.js';
import { AppConfig } from '../config/index.js';
import { retryDelay } from './retry-delay.js';
import { WebhookSecrets } from './webhook-secrets.js';
import { WebhookSender, type PostResult } from './webhook-sender.js';
import { webhookHeaders } from './webhook-signature.js';

const BATCH = 20;
/**
 * A claim keeps other dispatchers off a batch for longer than sending it can take (one receiver's deliveries go one
 * after the other, each within the timeout); after a crash, the batch waits that long to be sent again.
 */
const CLAIM_MARGIN_MS = 30_000;
const claimMs = (timeoutMs: number) => BATCH * timeoutMs + CLAIM_MARGIN_MS;

interface ClaimedRow {
  id: string;
  webhook_id: string;
  body: string;
  attempts: number;
  url: string;
  secret: Buffer;
}

/**
 * Sends due deliveries: claims them (FOR UPDATE SKIP LOCKED, then a claim that outlives the statement, so replicas
 * never send one delivery at once), POSTs each outside any transaction, and records the outcome. 2xx is delivered;
 * anything else is retried with backoff until WEBHOOK_MAX_ATTEMPTS, then failed. At least once: a crash after the
 * send and before the record sends again (same Webhook-Id) once the claim has lapsed.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private stopped = false;
  /** Cuts attempts in flight at shutdown: they are recorded as failed and retried, instead of holding the exit up. */
  private readonly shutdown = new AbortController();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly secrets: WebhookSecrets,
    private readonly sender: WebhookSender,
  ) {}

  onApplicationShutdown(): void {
    this.stopped = true;
    this.shutdown.abort();
  }

  /** Sends everything due by the app's clock, a batch at a time; returns how many attempts were made. */
  async dispatchDue(): Promise<number> {
    let attempts = 0;
    while (!this.stopped) {
      const claimed = await this.claim();
      attempts += claimed.length;
      await Promise.all(byWebhook(claimed).map(async (rows) => {
        for (const row of rows) await this.attempt(row);
      }));
      if (claimed.length < BATCH) break;
    }
    return attempts;
  }

  private async claim(): Promise<ClaimedRow[]> {
    return this.db.query(
      `WITH due AS (
         SELECT id FROM webhook_deliveries
         WHERE status = 'pending' AND next_attempt_at <= $1 AND (claimed_until IS NULL OR claimed_until < now())
         ORDER BY next_attempt_at, seq LIMIT ${BATCH} FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE webhook_deliveries d SET attempts = d.attempts + 1, claimed_until = now() + make_interval(secs => $2::double precision / 1000)
         FROM due WHERE d.id = due.id
         RETURNING d.id, d.webhook_id, d.body, d.attempts, d.next_attempt_at, d.seq
       )
       SELECT c.id, c.webhook_id, c.body, c.attempts, w.url, w.secret FROM claimed c JOIN webhooks w ON w.id = c.webhook_id
       ORDER BY c.next_attempt_at, c.seq`,
      [new Date(this.clock.now()), claimMs(this.config.env.WEBHOOK_TIMEOUT_MS)],
    );
  }

  private async attempt(row: ClaimedRow): Promise<void> {
    try {
      await this.record(row, await this.send(row));
    } catch (error) {
      // The claim lapses and the delivery is tried again: nothing is lost to a database hiccup here.
      this.logger.warn({ err: error, deliveryId: row.id, webhookId: row.webhook_id }, 'webhook attempt not recorded; retried once its claim lapses');
    }
  }

  private async send(row: ClaimedRow): Promise<PostResult> {
    let secret: string;
    try {
      secret = this.secrets.open(row.secret, row.webhook_id);
    } catch {
      return { statusCode: null, error: 'the signing secret cannot be opened: was SECRETS_KEY changed?', durationMs: 0 };
    }
    const timestamp = Math.floor(this.clock.now() / 1000);
    return this.sender.post(row.url, webhookHeaders(secret, row.id, timestamp, row.body), row.body, this.shutdown.signal);
  }

  private async record(row: ClaimedRow, result: PostResult): Promise<void> {
    const now = this.clock.now();
    const delivered = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const status = delivered ? 'delivered' : row.attempts >= this.config.env.WEBHOOK_MAX_ATTEMPTS ? 'failed' : 'pending';
    const next = status === 'pending' ? new Date(now + retryDelay(row.attempts, this.config.env.WEBHOOK_RETRY_BASE_MS)) : null;
    const error = delivered ? null : (result.error ?? `answered ${result.statusCode}`);
    const entry = { attempt: row.attempts, at: new Date(now).toISOString(), statusCode: result.statusCode, error, durationMs: result.durationMs };
    // Only the claim's own attempt is recorded: a dispatcher whose claim lapsed and was taken over writes nothing.
    await this.db.query(
      `UPDATE webhook_deliveries SET status = $3, next_attempt_at = $4, claimed_until = NULL, last_status_code = $5, last_error = $6,
         history = history || $7::jsonb, finished_at = $8
       WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
      [row.id, row.attempts, status, next, result.statusCode, error, JSON.stringify([entry]), status === 'pending' ? null : new Date(now)],
    );
    const context = { deliveryId: row.id, webhookId: row.webhook_id, attempt: row.attempts, statusCode: result.statusCode, error };
    if (status === 'delivered') this.logger.debug(context, 'webhook delivered');
    else if (status === 'failed') this.logger.warn(context, 'webhook delivery failed for good after its last attempt');
    else this.logger.log({ ...context, nextAttemptAt: next }, 'webhook attempt failed; retried later');
  }
}

/**
 * Receivers side by side, each one's deliveries one after the other in the order they were enqueued: a receiver
 * that answers gets a deal's events in order (a retry, or another replica, can still reorder them).
 */
function byWebhook(rows: ClaimedRow[]): ClaimedRow[][] {
  const groups = new Map<string, ClaimedRow[]>();
  for (const row of rows) groups.set(row.webhook_id, [...(groups.get(row.webhook_id) ?? []), row]);
  return [...groups.values()];
}
