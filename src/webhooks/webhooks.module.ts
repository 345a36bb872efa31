import { Module } from '@nestjs/common';
import { TradingModule } from '../trading/index.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookOutbox } from './webhook-outbox.js';
import { WebhookScheduler } from './webhook-scheduler.js';
import { WebhookSecrets } from './webhook-secrets.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksService } from './webhooks.service.js';

/** Outbound webhooks: deal events enqueued by a hook on the deal timeline, sent by a dispatcher. Trading does not import this. */
@Module({
  imports: [TradingModule],
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookOutbox, WebhookSecrets, WebhookSender, WebhookDispatcher, WebhookScheduler],
  exports: [WebhookDispatcher],
})
export class WebhooksModule {}
