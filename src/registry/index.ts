export { RegistryModule } from './registry.module.js';
export { RegistryService, type RegisteredCondition } from './registry.service.js';
export { ConditionEntity, type EvaluationValues } from './condition.entity.js';
export type { SubscriptionRole } from './subscription.entity.js';
export { canonicalKey, indicatorKey } from './canonical-key.js';
export { normalizeCondition, crossFieldProblems, type ConditionInput } from './condition-definition.js';
export { INDICATORS, INDICATOR_NAMES, OPERATORS, type ConditionDefinition, type IndicatorRef, type Operator, type IndicatorName } from './indicator-catalog.js';
export { ConditionDto } from './dto/condition.dto.js';
