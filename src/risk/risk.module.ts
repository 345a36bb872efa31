import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ExchangeModule } from '../exchange/index.js';
import { RiskSettingsEntity } from './risk-settings.entity.js';
import { RiskController } from './risk.controller.js';
import { RiskService } from './risk.service.js';

/** Risk limits per exchange account: checked by the notifier and by executors that open deals on their own. */
@Module({
  imports: [TypeOrmModule.forFeature([RiskSettingsEntity]), ExchangeModule],
  controllers: [RiskController],
  providers: [RiskService],
  exports: [RiskService],
})
export class RiskModule {}
