import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { UuidPageQuery } from '../../common/pagination.js';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** `GET /webhooks/:id/deliveries?status=&limit=&cursor=` */
export class DeliveriesQuery extends UuidPageQuery {
  @ApiPropertyOptional({ example: 'failed', enum: DELIVERY_STATUSES, type: String })
  @IsOptional() @IsIn(DELIVERY_STATUSES, { message: `status must be one of ${DELIVERY_STATUSES.join(', ')}` })
  status?: DeliveryStatus;
}
