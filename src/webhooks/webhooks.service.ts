import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, fieldError, NotFoundError, ValidationFailed } from '../common/domain-error.js';
import { toPage, type Page } from '../common/pagination.js';
import { AppConfig } from '../config/index.js';
import { hostOf, targetRefusal } from './address-policy.js';
import type { CreateWebhookDto } from './dto/create-webhook.dto.js';
import type { DeliveriesQuery } from './dto/deliveries-query.dto.js';
import { WebhookOutbox } from './webhook-outbox.js';
import { WebhookSecrets } from './webhook-secrets.js';
import { newWebhookSecret } from './webhook-signature.js';
import { toDeliveryView, toWebhookView, type CreatedWebhookView, type DeliveryRow, type WebhookDeliveryView, type WebhookRow, type WebhookView } from './webhook.view.js';

/** Each webhook adds a row to every deal event it subscribes to: a bound on the fan-out. */
export const MAX_WEBHOOKS_PER_ACCOUNT = 10;
const COLUMNS = 'id, url, events, description, created_at';

/** An account's webhooks. Another account's webhook answers exactly like an unknown id (404). */
@Injectable()
export class WebhooksService implements OnModuleInit {
  private readonly logger = new Logger(WebhooksService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly secrets: WebhookSecrets,
    private readonly outbox: WebhookOutbox,
  ) {}

  /** Refuses to start with webhooks and no key: they could not be signed. */
  async onModuleInit(): Promise<void> {
    if (this.secrets.available) return;
    const [{ n }] = await this.db.query(`SELECT count(*)::int AS n FROM webhooks`);
    if (n > 0) throw new Error(`${n} webhook(s) exist but SECRETS_KEY is not set: set the key their signing secrets were sealed with`);
  }

  async create(dto: CreateWebhookDto, accountId: string): Promise<CreatedWebhookView> {
    const id = randomUUID();
    const secret = newWebhookSecret();
    const sealed = this.secrets.seal(secret, id);
    const refusal = await targetRefusal(dto.url, this.config.env.WEBHOOK_ALLOW_PRIVATE_HOSTS);
    if (refusal) throw fieldError('WEBHOOK_URL_REFUSED', 'url', `url is refused: ${refusal} (set WEBHOOK_ALLOW_PRIVATE_HOSTS=true on the server to allow private hosts)`);
    const [row]: WebhookRow[] = await this.db.transaction(async (manager) => {
      // The account row is locked so that two concurrent creations cannot both pass the count.
      await manager.query(`SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE`, [accountId]);
      const [{ n }] = await manager.query(`SELECT count(*)::int AS n FROM webhooks WHERE account_id = $1`, [accountId]);
      if (n >= MAX_WEBHOOKS_PER_ACCOUNT) throw new DomainError('TOO_MANY_WEBHOOKS', `an account has at most ${MAX_WEBHOOKS_PER_ACCOUNT} webhooks; delete one first`, 409);
      return manager.query(
        `INSERT INTO webhooks (id, account_id, url, events, description, secret) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [id, accountId, dto.url, dto.events, dto.description ?? null, sealed],
      );
    });
    // The URL itself may carry a token (many chat services' hook URLs do): only its host is logged.
    this.logger.log({ webhookId: id, accountId, host: hostOf(new URL(dto.url)), events: dto.events }, 'webhook created');
    return { ...toWebhookView(row), secret };
  }

  /** Oldest first; the cursor is the last item's id. */
  async list(accountId: string, limit: number, cursor?: string): Promise<Page<WebhookView>> {
    if (cursor) await this.find(cursor, accountId).catch(() => Promise.reject(new ValidationFailed([{ field: 'cursor', message: 'must be the nextCursor of a previous page' }])));
    const rows: WebhookRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM webhooks WHERE account_id = $1
         AND ($2::uuid IS NULL OR (created_at, id) > (SELECT created_at, id FROM webhooks WHERE id = $2))
       ORDER BY created_at, id LIMIT $3`,
      [accountId, cursor ?? null, limit + 1],
    );
    const page = toPage(rows, limit, (row) => row.id);
    return { items: page.items.map(toWebhookView), nextCursor: page.nextCursor };
  }

  async get(id: string, accountId: string): Promise<WebhookView> {
    return toWebhookView(await this.find(id, accountId));
  }

  /** Gone at once with its secret and its deliveries; a delivery already in flight may still arrive once. */
  async delete(id: string, accountId: string): Promise<void> {
    const deleted: unknown[] = await this.db.query(`WITH gone AS (DELETE FROM webhooks WHERE id = $1 AND account_id = $2 RETURNING id) SELECT id FROM gone`, [id, accountId]);
    if (deleted.length === 0) throw new NotFoundError('webhook', id);
    this.logger.log({ webhookId: id, accountId }, 'webhook deleted');
  }

  /** Newest first; the cursor is the last item's id. */
  async deliveries(id: string, accountId: string, query: DeliveriesQuery): Promise<Page<WebhookDeliveryView>> {
    await this.find(id, accountId);
    let cursorSeq: string | null = null;
    if (query.cursor) {
      const [row] = await this.db.query(`SELECT seq FROM webhook_deliveries WHERE id = $1 AND webhook_id = $2`, [query.cursor, id]);
      if (!row) throw new ValidationFailed([{ field: 'cursor', message: 'must be the nextCursor of a previous page' }]);
      cursorSeq = row.seq;
    }
    const rows: DeliveryRow[] = await this.db.query(
      `SELECT id, event, deal_id, status, attempts, last_status_code, last_error, next_attempt_at, created_at, finished_at, history, body
       FROM webhook_deliveries WHERE webhook_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::bigint IS NULL OR seq < $3)
       ORDER BY seq DESC LIMIT $4`,
      [id, query.status ?? null, cursorSeq, query.limit + 1],
    );
    const page = toPage(rows, query.limit, (row) => row.id);
    return { items: page.items.map(toDeliveryView), nextCursor: page.nextCursor };
  }

  /** Enqueues a `webhook.test` delivery, sent by the dispatcher like any other. */
  async test(id: string, accountId: string): Promise<{ deliveryId: string }> {
    const deliveryId = await this.db.transaction(async (manager) => {
      // Held until the delivery is in: a concurrent delete waits instead of leaving it without its webhook.
      const found: unknown[] = await manager.query(`SELECT 1 FROM webhooks WHERE id = $1 AND account_id = $2 FOR SHARE`, [id, accountId]);
      if (found.length === 0) throw new NotFoundError('webhook', id);
      return this.outbox.enqueueTest(manager, id);
    });
    return { deliveryId };
  }

  private async find(id: string, accountId: string): Promise<WebhookRow> {
    const [row] = await this.db.query(`SELECT ${COLUMNS} FROM webhooks WHERE id = $1 AND account_id = $2`, [id, accountId]);
    if (!row) throw new NotFoundError('webhook', id);
    return row;
  }
}
