import { Module } from '@nestjs/common';
import { ExchangeModule } from '../exchange/index.js';
import { ExecutorsModule } from '../executors/index.js';
import { TradingModule } from '../trading/index.js';
import { KillSwitchController } from './kill-switch.controller.js';
import { KillSwitchService } from './kill-switch.service.js';
import { RiskModule } from './risk.module.js';

/** The kill switch: it stops bots and ends deals through their executors, so it sits above them. */
@Module({
  imports: [RiskModule, ExchangeModule, TradingModule, ExecutorsModule],
  controllers: [KillSwitchController],
  providers: [KillSwitchService],
})
export class KillSwitchModule {}
