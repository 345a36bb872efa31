import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { AppConfig } from '../config/index.js';
import { SecretBox } from '../exchange/index.js';

/** The associated data binds a sealed secret to its webhook (and keeps it apart from sealed exchange credentials). */
const boundTo = (webhookId: string) => `webhook:${webhookId}`;

/**
 * Signing secrets sealed under SECRETS_KEY, like exchange credentials: they must be recoverable to sign each
 * attempt, so a hash (as for API tokens) would not do. Never logged, never returned after creation.
 */
@Injectable()
export class WebhookSecrets {
  private readonly box?: SecretBox;

  constructor(config: AppConfig) {
    this.box = config.env.SECRETS_KEY ? SecretBox.fromKey(config.env.SECRETS_KEY) : undefined;
  }

  get available(): boolean {
    return this.box !== undefined;
  }

  seal(secret: string, webhookId: string): Buffer {
    if (!this.box) throw new DomainError('SECRETS_KEY_MISSING', 'webhooks need SECRETS_KEY set on the server to keep their signing secrets encrypted', 400);
    return this.box.seal(secret, boundTo(webhookId));
  }

  open(sealed: Buffer, webhookId: string): string {
    if (!this.box) throw new Error('SECRETS_KEY is not set: webhook signing secrets cannot be opened');
    return this.box.open(sealed, boundTo(webhookId));
  }
}
