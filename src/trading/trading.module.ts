import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ExchangeModule } from '../exchange/index.js';
import { DealEntity } from './deal.entity.js';
import { DealsService } from './deals.service.js';
import { OrderEntity } from './order.entity.js';
import { OrderPlacer } from './order-placer.js';
import { OrderReconciler } from './order-reconciler.js';
import { OrderRecorder } from './order-recorder.js';
import { OrderEvents } from './order-events.js';
import { ExchangeAccountOrdersController } from './exchange-account-orders.controller.js';
import { OrdersService } from './orders.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([OrderEntity, DealEntity]), ExchangeModule],
  controllers: [ExchangeAccountOrdersController],
  providers: [DealsService, OrderPlacer, OrderRecorder, OrderReconciler, OrdersService, OrderEvents],
  exports: [DealsService, OrderPlacer, OrderReconciler, OrdersService, OrderEvents],
})
export class TradingModule {}
