import { IsNumber, IsOptional, IsPositive } from 'class-validator';
import { CreateBotDto } from './create-bot.dto.js';

/** The body of `POST /bots/preview`: a `POST /bots` body, plus the base order's fill price to plan from. */
export class PreviewBotDto extends CreateBotDto {
  /** Quote per base; without it the ladder hangs from the symbol's last price. */
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @IsPositive()
  price?: number;
}
