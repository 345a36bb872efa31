import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentAccount, Public } from '../access/index.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { SignalDto, SignalSecretDto } from './dto/signal.dto.js';
import { SignalsService, type SignalOutcome } from './signals.service.js';

@Controller()
export class SignalsController {
  constructor(private readonly signals: SignalsService) {}

  /** Turns on signals for a bot and returns its secret, once. */
  @Post('bots/:id/signal-secret')
  @HttpCode(201)
  enable(@Param('id', uuidParam()) id: string, @Body() body: SignalSecretDto, @CurrentAccount() accountId: string) {
    return this.signals.enable(id, accountId, body?.maxLag);
  }

  /**
   * A TradingView-style alert; authenticated by the bot's signal secret (body `secret` or `X-Signal-Secret`), not by
   * an API token: webhook senders cannot set an Authorization header.
   */
  @Post('signals/:botId')
  @Public()
  @HttpCode(202)
  receive(@Param('botId', uuidParam('botId')) botId: string, @Body() body: SignalDto, @Headers('x-signal-secret') secret?: string): Promise<SignalOutcome> {
    return this.signals.receive(botId, body, secret);
  }
}
