export { ExecutorsModule } from './executors.module.js';
export {
  BotExecutor, ExecutorRegistry, UnknownBotTypeError,
  type BotSnapshot, type EntryBatchContext, type EntryPlan, type ExecutionResult, type ExtraSubscription, type PlannedEntry, type TriggerContext,
} from './bot-executor.port.js';
export { DcaSettingsDto } from './dca/dca-settings.dto.js';
export { TrendSettingsDto } from './trend/trend-settings.dto.js';
export { ExecutorTicker } from './executor-ticker.js';
export { planLadder, type LadderPlan } from './dca/ladder.js';
export { GridSettingsDto } from './grid/grid-settings.dto.js';
export { gridLines, type GridPlan, type GridProblem } from './grid/grid-plan.js';
export { previewGrid, type GridPreview } from './grid/grid-preview.js';
