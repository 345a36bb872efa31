import { Module } from '@nestjs/common';
import { TradingModule } from '../trading/index.js';
import { ExecutorRegistry } from './bot-executor.port.js';
import { DcaExecutor } from './dca/dca.executor.js';

/** Every bot type's executor; a new type is one more class in this list. */
const EXECUTORS = [DcaExecutor];

@Module({
  imports: [TradingModule],
  providers: [...EXECUTORS, { provide: ExecutorRegistry, inject: EXECUTORS, useFactory: (...executors: DcaExecutor[]) => new ExecutorRegistry(executors) }],
  exports: [ExecutorRegistry],
})
export class ExecutorsModule {}
