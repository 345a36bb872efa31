import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsNumber, IsOptional, IsPositive } from 'class-validator';
import { CreateBotDto } from './create-bot.dto.js';

/** The body of `POST /bots/preview`: a `POST /bots` body, plus the base order's fill price to plan from. */
export class PreviewBotDto extends CreateBotDto {
  /** Quote per base; without it the ladder hangs from the symbol's last price. */
  @ApiPropertyOptional({ type: Number, minimum: 0, exclusiveMinimum: true, description: 'Quote per base: the base order\'s fill price (a grid\'s current price) to plan from; without it, the symbol\'s last price.', example: 100 })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @IsPositive()
  price?: number;
}
