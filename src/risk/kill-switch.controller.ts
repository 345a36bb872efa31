import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentAccount } from '../access/index.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { KillSwitchDto } from './dto/kill-switch.dto.js';
import { KillSwitchService, type KillSwitchResult } from './kill-switch.service.js';

@Controller('exchange-accounts')
export class KillSwitchController {
  constructor(private readonly killSwitch: KillSwitchService) {}

  /** Stops every bot on the account, cancels its orders, and closes (`closePositions`) or abandons its open deals. */
  @Post(':id/kill-switch')
  @HttpCode(202)
  engage(@Param('id', uuidParam()) id: string, @Body() body: KillSwitchDto, @CurrentAccount() accountId: string): Promise<KillSwitchResult> {
    return this.killSwitch.engage(id, body?.closePositions === true, accountId);
  }
}
