import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

/** The body of `POST /exchange-accounts/:id/kill-switch`; it may be empty. */
export class KillSwitchDto {
  /** Also close every open deal at market; without it, deals are abandoned (orders canceled, positions left). */
  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Also close every open deal at market; without it, deals are abandoned (orders canceled, positions left).', example: true })
  @IsOptional() @IsBoolean()
  closePositions?: boolean;
}
