import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import type { ManualClock } from '../clock/index.js';
import { EvaluationService } from '../evaluator/index.js';
import { ExecutorTicker } from '../executors/index.js';
import { OrderPlacer, OrderReconciler } from '../trading/index.js';
import { TriggerRelay } from '../triggers/index.js';

/** What the driver needs of a running app: its providers (a Nest application context, or the tests' TestApp). */
export interface ProviderSource {
  get<T>(token: abstract new (...args: any[]) => T): T;
}

export interface ReplayOptions {
  /** Market time between two steps: one candle of the finest timeframe replays as live does. */
  stepMs: number;
  /**
   * Passes of (order reconciler, executor tick, settle) after the triggers of a step are handled; 1 by default. What
   * a pass sets off (a fill makes the deal place its next orders, an exit sends its closing order, …) runs to its end
   * within the pass, through the order events; more passes only stand in for the further cron and reconciler runs a
   * long step spans live.
   */
  rounds?: number;
  /** How long to wait for the triggers of one step to be handled before giving up. */
  settleTimeoutMs?: number;
}

export interface RunHooks {
  /** Before the clock moves to `time`: a test may restart the app here (then `use` the new one). */
  beforeStep?: (time: number) => Promise<void> | void;
  /** After the step at `time` is done; `index` counts from 1 up to `total`. */
  afterStep?: (time: number, index: number, total: number) => Promise<void> | void;
  signal?: AbortSignal;
}

/**
 * Replays market time through the whole app by hand, the one loop every replay shares (the backtest command and
 * the flow tests): the clock moves to each step's time, the evaluator ticks once, the bus is settled (every trigger
 * handled and its orders sent), then the periodic jobs the cron and timers would run live take their turns in a
 * fixed order. A fixed order is what makes two replays of the same candles give the same deals.
 */
export class ReplayDriver {
  private readonly rounds: number;

  constructor(
    private app: ProviderSource,
    private readonly clock: ManualClock,
    private readonly options: ReplayOptions,
  ) {
    if (!(options.stepMs > 0)) throw new Error(`replay step must be positive, got ${options.stepMs}`);
    this.rounds = options.rounds ?? 1;
  }

  /** After a restart of the app: the next steps drive this one. */
  use(app: ProviderSource): void {
    this.app = app;
  }

  /** Steps from `from` (exclusive) to `until` (inclusive): at from + step, from + 2 steps, …, the last one at `until`. */
  async run(from: number, until: number, hooks: RunHooks = {}): Promise<number> {
    const total = stepCount(from, until, this.options.stepMs);
    let index = 0;
    for (let time = from; time < until; ) {
      hooks.signal?.throwIfAborted();
      time = Math.min(time + this.options.stepMs, until);
      await hooks.beforeStep?.(time);
      await this.step(time);
      await hooks.afterStep?.(time, ++index, total);
    }
    return index;
  }

  /** One step: what happens in the app while market time reaches `time`. */
  async step(time: number): Promise<void> {
    this.clock.set(time);
    await this.app.get(EvaluationService).tick();
    await this.settle();
    for (let round = 0; round < this.rounds; round++) {
      await this.app.get(OrderReconciler).runOnce();
      await this.app.get(ExecutorTicker).tick();
      await this.app.get(ExecutorTicker).settle();
    }
    if (this.rounds > 0) await this.settle();
  }

  /** Resolves once every recorded trigger is published and handled, and the orders it made are sent. */
  settle(): Promise<void> {
    return settleBus(this.app, this.options.settleTimeoutMs);
  }
}

/** Every recorded trigger published and handled, and the orders that made sent: what a step waits for after a tick. */
export async function settleBus(app: ProviderSource, timeoutMs = 10_000): Promise<void> {
  await app.get(TriggerRelay).drain();
  const db = app.get(DataSource);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM triggers WHERE handled_at IS NULL`);
    if (n === 0) break;
    if (Date.now() > deadline) throw new Error(`replay: ${n} trigger(s) still unhandled after ${timeoutMs} ms`);
    await sleep(10);
  }
  await app.get(OrderPlacer).idle();
}

export function stepCount(from: number, until: number, stepMs: number): number {
  return until > from ? Math.ceil((until - from) / stepMs) : 0;
}
