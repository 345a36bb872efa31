import { IsIn, IsNumber, IsOptional, IsPositive, Max } from 'class-validator';

/** The `dca` object of `POST /bots`: how a DCA bot enters. Safety orders and exits extend it later. */
export class DcaSettingsDto {
  /** Base order size in quote currency. */
  @IsNumber({ allowNaN: false, allowInfinity: false }) @IsPositive() @Max(1e12)
  baseOrderSize: number;

  @IsOptional() @IsIn(['market', 'limit'])
  orderType: 'market' | 'limit' = 'market';

  @IsOptional() @IsIn(['long', 'short'])
  direction: 'long' | 'short' = 'long';
}
