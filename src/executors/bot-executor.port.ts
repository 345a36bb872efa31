import type { EntityManager } from 'typeorm';
import type { TriggerFiredV1 } from '../event-bus/index.js';
import type { ConditionInput, SubscriptionRole } from '../registry/index.js';
import type { OrderEntity } from '../trading/index.js';

/** What an executor needs to know of a bot (the bots module's entity satisfies it). */
export interface BotSnapshot {
  id: string;
  accountId: string;
  exchangeAccountId: string;
  name: string;
  type: string;
  exchange: string;
  symbol: string;
  settings: Record<string, any>;
}

export interface TriggerContext {
  /** The transaction that also records the delivery: everything the executor writes commits with it, or not at all. */
  manager: EntityManager;
  bot: BotSnapshot;
  trigger: TriggerFiredV1;
  role: SubscriptionRole;
}

export interface ExecutionResult {
  outcome: 'executed' | 'skipped' | 'refused';
  reason?: string;
  /** Orders recorded as pending in the transaction, to send once it has committed. */
  orderIds: string[];
  /** Work that must wait for the commit (e.g. bringing a deal's orders up to date after a close was decided). */
  afterCommit?: () => Promise<void>;
}

/** Many bots' entries on one trigger, inside the caller's transaction (the notifier's chunk), every bot row locked. */
export interface EntryBatchContext {
  manager: EntityManager;
  bots: BotSnapshot[];
  trigger: TriggerFiredV1;
}

/** What one bot would do with an entry trigger, decided in memory: nothing is written before its plan's `write`. */
export interface PlannedEntry {
  bot: BotSnapshot;
  result: ExecutionResult;
  /** The orders of the deal the entry opens (none when it opens none): what the account's risk snapshot counts of it. */
  opens: OrderEntity[];
}

export interface EntryPlan {
  /** One per bot, in the context's order. */
  entries: PlannedEntry[];
  /** Writes the entries kept (the ones the risk limits let through), together, in the context's transaction. */
  write(kept: PlannedEntry[]): Promise<void>;
}

/** A condition a bot type subscribes its bots to beyond the entry conditions (a trend's exits, a grid's range edges). */
export interface ExtraSubscription {
  role: SubscriptionRole;
  condition: ConditionInput;
  /** Where the condition came from in the request, for error messages (e.g. `trend.exitConditions.0`). */
  field: string;
}

/** One bot type's behaviour. Adding a bot type adds an executor to the registry's list, and nothing else. */
export abstract class BotExecutor {
  abstract readonly type: string;
  abstract onTrigger(context: TriggerContext): Promise<ExecutionResult>;
  /**
   * Optional batch form of `onTrigger` for entries: reads the bots' rows once, decides each bot in memory, and writes
   * the entries kept with one statement per table. Each bot's decision must be the one `onTrigger` would make, which
   * holds when an entry depends only on the bot's own rows; the notifier uses `onTrigger` for everything else.
   */
  planEntries?(context: EntryBatchContext): Promise<EntryPlan>;
  /** The quote amount a new deal of this bot commits at most: what the account's risk limits weigh. */
  entryCommitment?(bot: BotSnapshot): number;
  /** Conditions to register and subscribe besides the request's top-level (entry) conditions. */
  extraSubscriptions?(settings: Record<string, any>): ExtraSubscription[];
  /** Work on every tick: deals' orders brought up to date, exits checked on closed candles. */
  onTick?(): Promise<void>;
  /** Closes a deal at market (manual close, kill switch). */
  closeDeal?(dealId: string, reason: string): Promise<void>;
  /** Abandons a deal: its orders are canceled, its position left. */
  cancelDeal?(dealId: string, reason: string): Promise<void>;
  /** Resolves when work the executor started in the background (reactions to fills) is done: for tests and shutdown. */
  idle?(): Promise<void>;
}

export class UnknownBotTypeError extends Error {}

/** The executors by bot type; the notifier routes through it without knowing any type. */
export class ExecutorRegistry {
  private readonly byType: Map<string, BotExecutor>;

  constructor(executors: BotExecutor[]) {
    this.byType = new Map(executors.map((executor) => [executor.type, executor]));
  }

  get all(): BotExecutor[] {
    return [...this.byType.values()];
  }

  get types(): string[] {
    return [...this.byType.keys()];
  }

  has(type: string): boolean {
    return this.byType.has(type);
  }

  forType(type: string): BotExecutor {
    const executor = this.byType.get(type);
    if (!executor) throw new UnknownBotTypeError(`no executor for bot type "${type}"`);
    return executor;
  }
}
