import { Body, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { CurrentAccount } from '../access/index.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { RiskSettingsDto } from './dto/risk-settings.dto.js';
import { RiskService } from './risk.service.js';
import type { RiskView } from './risk.view.js';

/** Risk limits of an exchange account; re-arming after a kill switch. */
@Controller('exchange-accounts')
export class RiskController {
  constructor(
    private readonly risk: RiskService,
  ) {}

  @Get(':id/risk')
  get(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<RiskView> {
    return this.risk.view(id, accountId);
  }

  /** Replaces the limits: a limit left out is off. */
  @Put(':id/risk')
  put(@Param('id', uuidParam()) id: string, @Body() body: RiskSettingsDto, @CurrentAccount() accountId: string): Promise<RiskView> {
    return this.risk.replace(id, body, accountId);
  }

  /** Re-arms the account; its bots stay stopped until started again. */
  @Delete(':id/kill-switch')
  rearm(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<RiskView> {
    return this.risk.rearm(id, accountId);
  }
}
