import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ExchangeModule } from '../exchange/index.js';
import { ExecutorsModule } from '../executors/index.js';
import { MarketDataModule } from '../market-data/index.js';
import { RegistryModule } from '../registry/index.js';
import { TradingModule } from '../trading/index.js';
import { BotEntity } from './bot.entity.js';
import { BotPreviewService } from './bot-preview.service.js';
import { BotsController } from './bots.controller.js';
import { BotsService } from './bots.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([BotEntity]), RegistryModule, TradingModule, ExchangeModule, MarketDataModule, ExecutorsModule],
  controllers: [BotsController],
  providers: [BotsService, BotPreviewService],
  exports: [BotsService],
})
export class BotsModule {}
