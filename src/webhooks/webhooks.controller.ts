import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentAccount } from '../access/index.js';
import { UuidPageQuery, type Page } from '../common/pagination.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ApiBadInput, ApiById, ApiConflict, ApiJsonBody, ApiTokenAuth } from '../openapi/index.js';
import { CreateWebhookDto } from './dto/create-webhook.dto.js';
import { DeliveriesQuery } from './dto/deliveries-query.dto.js';
import { WEBHOOK_EXAMPLES } from './dto/webhook-examples.js';
import { CreatedWebhookView, TestDeliveryView, WebhookDeliveryPage, WebhookPage, WebhookView, type WebhookDeliveryView } from './webhook.view.js';
import { WebhooksService } from './webhooks.service.js';

/** Outbound webhooks of the caller's account; the signing secret goes out once, in the answer that creates it. */
@Controller('webhooks')
@ApiTags('webhooks')
@ApiTokenAuth()
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiOperation({ summary: 'Create a webhook', description: 'The account\'s deal events are POSTed to the URL, signed with HMAC-SHA256 (see the README, *Webhooks*). The answer carries the signing secret, shown this once. Needs `SECRETS_KEY` on the server; private and loopback hosts are refused unless `WEBHOOK_ALLOW_PRIVATE_HOSTS` is set.' })
  @ApiJsonBody({ type: CreateWebhookDto, examples: WEBHOOK_EXAMPLES })
  @ApiResponse({ status: 201, description: 'The webhook, with its signing secret (this once).', type: CreatedWebhookView })
  @ApiBadInput('Bad input, or a URL refused (`WEBHOOK_URL_REFUSED`, a private or loopback host): `fields` names the field.')
  @ApiConflict('The account has 10 webhooks already.', 'TOO_MANY_WEBHOOKS', 'an account has at most 10 webhooks; delete one first')
  create(@Body() body: CreateWebhookDto, @CurrentAccount() accountId: string): Promise<CreatedWebhookView> {
    return this.webhooks.create(body, accountId);
  }

  @Get()
  @ApiOperation({ summary: 'List the webhooks', description: 'Oldest first, without secrets.' })
  @ApiBadInput()
  @ApiResponse({ status: 200, description: 'A page of the account\'s webhooks.', type: WebhookPage })
  list(@Query() query: UuidPageQuery, @CurrentAccount() accountId: string): Promise<Page<WebhookView>> {
    return this.webhooks.list(accountId, query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a webhook', description: 'Without its secret.' })
  @ApiById('webhook')
  @ApiResponse({ status: 200, description: 'The webhook.', type: WebhookView })
  get(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<WebhookView> {
    return this.webhooks.get(id, accountId);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook', description: 'Its secret and its deliveries go with it; nothing more is sent (an attempt already in flight may still arrive).' })
  @ApiById('webhook')
  @ApiResponse({ status: 204, description: 'Deleted.' })
  delete(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<void> {
    return this.webhooks.delete(id, accountId);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'List a webhook\'s deliveries', description: 'Newest first, each with its attempts, their status codes and errors; `?status=` filters.' })
  @ApiById('webhook')
  @ApiResponse({ status: 200, description: 'A page of deliveries.', type: WebhookDeliveryPage })
  deliveries(@Param('id', uuidParam()) id: string, @Query() query: DeliveriesQuery, @CurrentAccount() accountId: string): Promise<Page<WebhookDeliveryView>> {
    return this.webhooks.deliveries(id, accountId, query);
  }

  @Post(':id/test')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a test event', description: 'Enqueues a `webhook.test` delivery, sent, signed and retried like any other.' })
  @ApiById('webhook')
  @ApiResponse({ status: 202, description: 'Enqueued; follow it in the deliveries.', type: TestDeliveryView })
  test(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<TestDeliveryView> {
    return this.webhooks.test(id, accountId);
  }
}
