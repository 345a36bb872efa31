import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ExchangeModule } from '../exchange/index.js';
import { MarketDataModule } from '../market-data/index.js';
import { DealEntity } from './deal.entity.js';
import { DealsService } from './deals.service.js';
import { DealStatsService } from './deal-stats.service.js';
import { DealsController } from './deals.controller.js';
import { DealsQueryService } from './deals-query.service.js';
import { OrderEntity } from './order.entity.js';
import { OrderBatchSender } from './order-batch-sender.js';
import { OrderPlacer } from './order-placer.js';
import { OrderReconciler } from './order-reconciler.js';
import { OrderRecorder } from './order-recorder.js';
import { OrderEvents } from './order-events.js';
import { ExchangeAccountOrdersController } from './exchange-account-orders.controller.js';
import { OrdersService } from './orders.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([OrderEntity, DealEntity]), ExchangeModule, MarketDataModule],
  controllers: [ExchangeAccountOrdersController, DealsController],
  providers: [DealsService, OrderPlacer, OrderBatchSender, OrderRecorder, OrderReconciler, OrdersService, OrderEvents, DealsQueryService, DealStatsService],
  exports: [DealsService, OrderPlacer, OrderReconciler, OrdersService, OrderEvents, DealsQueryService, DealStatsService],
})
export class TradingModule {}
