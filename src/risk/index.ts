export { RiskModule } from './risk.module.js';
export { KillSwitchModule } from './kill-switch.module.js';
export { RiskService } from './risk.service.js';
export type { RiskSession } from './risk-session.js';
export type { NewOrderValue } from './risk-snapshot.js';
export type { RiskDecision, RiskRequest, RiskRule } from './risk-rules.js';
