import { Body, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentAccount } from '../access/index.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ApiById, ApiJsonBody, ApiTokenAuth } from '../openapi/index.js';
import { RiskSettingsDto } from './dto/risk-settings.dto.js';
import { RiskService } from './risk.service.js';
import type { RiskView } from './risk.view.js';

/** Risk limits of an exchange account; re-arming after a kill switch. */
@Controller('exchange-accounts')
@ApiTags('risk')
@ApiTokenAuth()
export class RiskController {
  constructor(
    private readonly risk: RiskService,
  ) {}

  @Get(':id/risk')
  @ApiOperation({ summary: 'Get an exchange account\'s risk limits and state' })
  @ApiById('exchange account')
  @ApiResponse({ status: 200, description: 'The limits, the kill switch, and today\'s figures they are checked against.' })
  get(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<RiskView> {
    return this.risk.view(id, accountId);
  }

  /** Replaces the limits: a limit left out is off. */
  @Put(':id/risk')
  @ApiOperation({ summary: 'Replace an exchange account\'s risk limits', description: 'A limit left out (or null) is off.' })
  @ApiJsonBody({ type: RiskSettingsDto, examples: { limits: { summary: 'Exposure, open deals, daily loss and a stoploss guard', value: { maxExposure: 5000, maxOpenDeals: 10, dailyLossLimit: 200, stoplossGuard: { count: 3, windowSeconds: 86400, cooldownSeconds: 43200 } } }, off: { summary: 'Every limit off', value: {} } } })
  @ApiById('exchange account')
  @ApiResponse({ status: 200, description: 'The limits and state, as `GET` answers them.' })
  put(@Param('id', uuidParam()) id: string, @Body() body: RiskSettingsDto, @CurrentAccount() accountId: string): Promise<RiskView> {
    return this.risk.replace(id, body, accountId);
  }

  /** Re-arms the account; its bots stay stopped until started again. */
  @Delete(':id/kill-switch')
  @ApiOperation({ summary: 'Re-arm after the kill switch', description: 'The account\'s bots stay stopped until started again.' })
  @ApiById('exchange account')
  @ApiResponse({ status: 200, description: 'The limits and state, the kill switch off.' })
  rearm(@Param('id', uuidParam()) id: string, @CurrentAccount() accountId: string): Promise<RiskView> {
    return this.risk.rearm(id, accountId);
  }
}
