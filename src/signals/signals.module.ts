import { Module } from '@nestjs/common';
import { TriggersModule } from '../triggers/index.js';
import { SignalsController } from './signals.controller.js';
import { SignalsService } from './signals.service.js';

@Module({
  imports: [TriggersModule],
  controllers: [SignalsController],
  providers: [SignalsService],
})
export class SignalsModule {}
