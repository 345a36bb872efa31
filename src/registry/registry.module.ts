import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConditionEntity } from './condition.entity.js';
import { ConditionViewCache } from './condition-view-cache.js';
import { ConditionsController } from './conditions.controller.js';
import { RegistryService } from './registry.service.js';
import { SubscriptionEntity } from './subscription.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([ConditionEntity, SubscriptionEntity])],
  controllers: [ConditionsController],
  providers: [RegistryService, { provide: ConditionViewCache, useFactory: () => new ConditionViewCache() }],
  exports: [RegistryService],
})
export class RegistryModule {}
