import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentAccount } from '../access/index.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ApiById, ApiJsonBody, ApiTokenAuth } from '../openapi/index.js';
import { KillSwitchDto } from './dto/kill-switch.dto.js';
import { KillSwitchService, type KillSwitchResult } from './kill-switch.service.js';

@Controller('exchange-accounts')
@ApiTags('risk')
@ApiTokenAuth()
export class KillSwitchController {
  constructor(private readonly killSwitch: KillSwitchService) {}

  /** Stops every bot on the account, cancels its orders, and closes (`closePositions`) or abandons its open deals. */
  @Post(':id/kill-switch')
  @HttpCode(202)
  @ApiOperation({ summary: 'Engage the kill switch', description: 'Stops every bot on the exchange account, cancels its orders, and closes (`closePositions`) or abandons its open deals.' })
  @ApiJsonBody({ type: KillSwitchDto, required: false, examples: { close: { summary: 'Also close every open deal at market', value: { closePositions: true } }, abandon: { summary: 'Leave the positions', value: {} } } })
  @ApiById('exchange account')
  @ApiResponse({ status: 202, description: 'What was stopped, canceled and closed.' })
  engage(@Param('id', uuidParam()) id: string, @Body() body: KillSwitchDto, @CurrentAccount() accountId: string): Promise<KillSwitchResult> {
    return this.killSwitch.engage(id, body?.closePositions === true, accountId);
  }
}
