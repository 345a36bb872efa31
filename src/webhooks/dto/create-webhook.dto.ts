import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsString, IsUrl, MaxLength } from 'class-validator';
import { IsOmittable, IsPrintable } from '../../common/validation.js';
import { WEBHOOK_EVENTS, type WebhookEvent } from '../webhook-events.js';

/** `POST /webhooks` */
export class CreateWebhookDto {
  @ApiProperty({ example: 'https://example.com/hooks/trading', description: 'http(s) URL the events are POSTed to; private and loopback hosts are refused unless WEBHOOK_ALLOW_PRIVATE_HOSTS is set', type: String })
  @IsString() @MaxLength(2000)
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false, disallow_auth: true },
    { message: 'url must be an http(s) URL without credentials, e.g. https://example.com/hooks' },
  )
  url: string;

  @ApiProperty({ example: ['deal.opened', 'deal.closed'], enum: WEBHOOK_EVENTS, isArray: true, description: 'the events to send', type: String })
  @IsArray() @ArrayNotEmpty() @ArrayMaxSize(WEBHOOK_EVENTS.length) @ArrayUnique()
  @IsIn(WEBHOOK_EVENTS, { each: true, message: `each of events must be one of ${WEBHOOK_EVENTS.join(', ')}` })
  events: WebhookEvent[];

  @ApiPropertyOptional({ example: 'deal alerts to our chat relay', maxLength: 200, type: String })
  @IsOmittable() @IsString() @MaxLength(200) @IsPrintable()
  description?: string;
}
