import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentAccount, Public } from '../access/index.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ApiBadInput, ApiById, ApiErrorResponse, ApiIdParam, ApiJsonBody, ApiRateLimited, ApiTokenAuth } from '../openapi/index.js';
import { SIGNAL_EXAMPLES } from './dto/signal-examples.js';
import { SignalDto, SignalSecretDto } from './dto/signal.dto.js';
import { SignalsService, type SignalOutcome } from './signals.service.js';

@Controller()
@ApiTags('signals')
@ApiRateLimited()
export class SignalsController {
  constructor(private readonly signals: SignalsService) {}

  /** Turns on signals for a bot and returns its secret, once. */
  @Post('bots/:id/signal-secret')
  @HttpCode(201)
  @ApiOperation({ summary: 'Turn on signals for a bot', description: 'Answers the bot\'s signal secret, shown this once; calling it again replaces the secret.' })
  @ApiTokenAuth()
  @ApiJsonBody({ type: SignalSecretDto, required: false, examples: { maxLag: { summary: 'Drop signals older than a minute', value: { maxLag: 60 } }, defaults: { summary: 'The default maximum lag', value: {} } } })
  @ApiById('bot')
  @ApiResponse({ status: 201, description: '`{secret, maxLag, url}`: keep the secret, it is not shown again.' })
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
  @ApiOperation({ summary: 'Send a TradingView-style alert to a bot', description: 'No API token: the bot\'s signal secret authenticates the alert (body `secret` or `X-Signal-Secret`). Each alert `id` takes effect once.' })
  @ApiHeader({ name: 'X-Signal-Secret', required: false, description: 'The bot\'s signal secret, when the body does not carry it.' })
  @ApiJsonBody({ type: SignalDto, examples: SIGNAL_EXAMPLES })
  @ApiIdParam('bot', 'botId')
  @ApiBadInput()
  @ApiResponse({ status: 202, description: '`{accepted: true, triggerId, duplicate}`, or `{accepted: false, reason}` for a signal older than the bot\'s `maxLag`.' })
  @ApiErrorResponse(401, 'Unknown bot or wrong signal secret (alike, so that nothing tells which bots exist).', 'SIGNAL_REFUSED', 'unknown bot or wrong signal secret')
  receive(@Param('botId', uuidParam('botId')) botId: string, @Body() body: SignalDto, @Headers('x-signal-secret') secret?: string): Promise<SignalOutcome> {
    return this.signals.receive(botId, body, secret);
  }
}
