import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ExchangeModule } from '../exchange/index.js';
import { DealEntity } from './deal.entity.js';
import { DealsService } from './deals.service.js';
import { OrderEntity } from './order.entity.js';
import { OrderPlacer } from './order-placer.js';
import { OrdersService } from './orders.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([OrderEntity, DealEntity]), ExchangeModule],
  providers: [DealsService, OrderPlacer, OrdersService],
  exports: [DealsService, OrderPlacer, OrdersService],
})
export class TradingModule {}
