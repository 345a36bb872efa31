import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../clock/index.js';
import { AppConfig } from '../config/index.js';
import { lastClosedOpenTime, MarketDataSource, seriesKey, timeframeMs, type Candle, type SeriesRef, type Timeframe } from '../market-data/index.js';
import { Metrics } from '../metrics/index.js';
import { RegistryService, type ConditionEntity } from '../registry/index.js';
import { TriggerRelay } from '../triggers/index.js';
import { EvaluationStore, StaleCursorError, type ConditionAdvance } from './evaluation.store.js';
import { SeriesLeases } from './series-leases.js';
import { SeriesRuntime, type Evaluation } from './series-runtime.js';

export interface TickReport {
  series: number;
  candles: number;
  evaluations: number;
  triggers: number;
}

interface PendingCandle {
  runtime: SeriesRuntime;
  candle: Candle;
  closeTime: number;
}

const CANDLES_PER_COMMIT = 200;
/** Candles one tick catches up on per series; a longer backlog is worked off over the next ticks, in order. */
const MAX_CATCH_UP_CANDLES = 50_000;

/**
 * Evaluates every subscribed condition once per newly closed candle, knowing nothing of cron.
 * Candles of all series are applied in order of close time, so that a trigger's companions (other conditions of
 * the same bot) are already recorded up to that moment when the notifier checks them.
 */
@Injectable()
export class EvaluationService {
  private readonly logger = new Logger(EvaluationService.name);
  private readonly runtimes = new Map<string, SeriesRuntime>();
  /** Which runtime evaluates each condition. */
  private readonly owners = new Map<string, SeriesRuntime>();
  /** Counts every evaluation made: for metrics and for tests that check nothing is evaluated twice. */
  evaluationCount = 0;

  constructor(
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly marketData: MarketDataSource,
    private readonly registry: RegistryService,
    private readonly store: EvaluationStore,
    private readonly relay: TriggerRelay,
    private readonly leases: SeriesLeases,
    private readonly metrics: Metrics,
  ) {}

  /** One tick, counted and timed (tbo_evaluator_ticks_total, tbo_evaluator_tick_duration_seconds). */
  tick(): Promise<TickReport> {
    return this.metrics.timeTick(() => this.evaluate());
  }

  private async evaluate(): Promise<TickReport> {
    const now = this.clock.now();
    const subscribed = groupBySeries(await this.registry.subscribedConditions());
    const held = await this.leases.acquire([...subscribed.keys()]);
    const bySeries = new Map([...subscribed].filter(([key]) => held.has(key)));
    for (const key of this.runtimes.keys()) if (!bySeries.has(key)) this.runtimes.delete(key);
    this.owners.clear();

    const baselines: Evaluation[] = [];
    const pending: PendingCandle[] = [];
    for (const [key, conditions] of bySeries) {
      const { runtime, candles, baseline } = await this.prepare(key, conditions, now);
      baselines.push(...baseline);
      const tf = timeframeMs(runtime.series.timeframe);
      for (const candle of candles) pending.push({ runtime, candle, closeTime: candle.openTime + tf });
    }
    pending.sort((a, b) => a.closeTime - b.closeTime);

    const report: TickReport = { series: bySeries.size, candles: pending.length, evaluations: 0, triggers: 0 };
    try {
      await this.commit(baselines, report);
      for (let start = 0; start < pending.length; start += CANDLES_PER_COMMIT) {
        const evaluations = pending.slice(start, start + CANDLES_PER_COMMIT).flatMap(({ runtime, candle }) => runtime.apply(candle));
        await this.commit(evaluations, report);
      }
    } catch (error) {
      // Whatever was not committed is recomputed next tick from the database's cursors.
      this.runtimes.clear();
      this.owners.clear();
      if (error instanceof StaleCursorError) this.logger.warn({ reason: error.message }, 'another instance evaluated these candles; resyncing');
      else throw error;
    }
    if (report.candles > 0) this.logger.debug({ ...report }, 'tick');
    return report;
  }

  /** The series' runtime (built and warmed up if new) and its candles closed since the cursor: one fetch per series. */
  private async prepare(key: string, conditions: ConditionEntity[], now: number) {
    const series = seriesOf(conditions[0]);
    const tf = timeframeMs(series.timeframe);
    const warmup = this.config.env.EVALUATOR_WARMUP_CANDLES;
    let runtime = this.runtimes.get(key);
    const fresh = runtime === undefined;
    if (!runtime) {
      runtime = new SeriesRuntime(series, warmup);
      this.runtimes.set(key, runtime);
    }
    for (const condition of conditions) this.owners.set(condition.id, runtime);
    const cursor = fresh ? maxCursor(conditions) : runtime.cursor;
    const registeredAt = Math.min(...conditions.map((c) => c.registeredAt));
    const since = cursor === null ? lastClosedOpenTime(series.timeframe, registeredAt) - warmup * tf : fresh ? cursor - warmup * tf : cursor + tf;
    const fetched = await this.marketData.fetchClosedCandles(series, since, now, warmup + MAX_CATCH_UP_CANDLES);

    let next = 0;
    if (cursor !== null && fresh) {
      while (next < fetched.length && fetched[next].openTime <= cursor) runtime.warmUp(fetched[next++]);
      runtime.cursor = cursor;
    }
    if (cursor === null) {
      // Never evaluated: candles closed before the condition was registered warm it up, and the last of them is its
      // baseline (or the first candle, on a replay that starts with the condition). Tick cadence changes nothing.
      let baselineIndex = 0;
      while (baselineIndex + 1 < fetched.length && fetched[baselineIndex + 1].openTime + tf <= registeredAt) baselineIndex++;
      while (next < baselineIndex) runtime.warmUp(fetched[next++]);
    }
    const baseline = runtime.sync(conditions);
    if (cursor === null && next < fetched.length) baseline.push(...runtime.apply(fetched[next++]));
    return { runtime, candles: fetched.slice(next), baseline };
  }

  private async commit(evaluations: Evaluation[], report: TickReport): Promise<void> {
    if (evaluations.length === 0) return;
    const latest = new Map<string, Evaluation>();
    for (const evaluation of evaluations) latest.set(evaluation.conditionId, evaluation);
    const advances: ConditionAdvance[] = [...latest.values()].map((evaluation) => ({
      conditionId: evaluation.conditionId,
      expectedCursor: this.owners.get(evaluation.conditionId)!.persistedCursorOf(evaluation.conditionId),
      evaluation,
    }));
    const triggers = await this.store.commit(evaluations, advances, (id) => this.owners.get(id)!.series.timeframe);
    for (const { conditionId, evaluation } of advances) this.owners.get(conditionId)!.markPersisted(conditionId, evaluation.candleOpenTime);
    this.registry.evaluationsRecorded();
    this.evaluationCount += evaluations.length;
    report.evaluations += evaluations.length;
    report.triggers += triggers.length;
    this.metrics.evaluations.inc(evaluations.length);
    this.metrics.triggers.inc(triggers.length);
    // Published at once, without waiting for a relay pass (the relay falls back to a pass if it cannot).
    this.relay.publishCommitted(triggers);
  }
}

function groupBySeries(conditions: ConditionEntity[]): Map<string, ConditionEntity[]> {
  const groups = new Map<string, ConditionEntity[]>();
  for (const condition of conditions) {
    const key = seriesKey(seriesOf(condition));
    const group = groups.get(key);
    if (group) group.push(condition);
    else groups.set(key, [condition]);
  }
  return groups;
}

function seriesOf(condition: ConditionEntity): SeriesRef {
  return { exchange: condition.exchange, symbol: condition.symbol, timeframe: condition.timeframe as Timeframe };
}

function maxCursor(conditions: ConditionEntity[]): number | null {
  const cursors = conditions.map((c) => c.lastCandleOpenTime).filter((t): t is number => t !== null);
  return cursors.length ? Math.max(...cursors) : null;
}
