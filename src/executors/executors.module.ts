import { Module } from '@nestjs/common';
import { ExchangeModule } from '../exchange/index.js';
import { MarketDataModule } from '../market-data/index.js';
import { RegistryModule } from '../registry/index.js';
import { RiskModule } from '../risk/risk.module.js';
import { TradingModule } from '../trading/index.js';
import { BotExecutor, ExecutorRegistry } from './bot-executor.port.js';
import { PositionDealManager } from './position/position-deal.manager.js';
import { PositionMonitor } from './position/position-monitor.js';
import { DcaExecutor } from './dca/dca.executor.js';
import { DealCommandsController } from './deal-commands.controller.js';
import { TrendExecutor } from './trend/trend.executor.js';
import { ExecutorTicker } from './executor-ticker.js';
import { GridController } from './grid/grid.controller.js';
import { GridExecutor } from './grid/grid.executor.js';
import { GRID_PROVIDERS } from './grid/grid.providers.js';

/** Every bot type's executor; a new type is one more class in this list. */
const EXECUTORS = [DcaExecutor, TrendExecutor, GridExecutor];

@Module({
  imports: [TradingModule, ExchangeModule, MarketDataModule, RiskModule, RegistryModule],
  controllers: [DealCommandsController, GridController],
  providers: [
    ...EXECUTORS,
    PositionDealManager,
    PositionMonitor,
    ...GRID_PROVIDERS,
    ExecutorTicker,
    { provide: ExecutorRegistry, inject: EXECUTORS, useFactory: (...executors: BotExecutor[]) => new ExecutorRegistry(executors) },
  ],
  exports: [ExecutorRegistry, ExecutorTicker],
})
export class ExecutorsModule {}
