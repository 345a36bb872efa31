import type { ManualClock } from '../../src/clock/index.js';
import type { EvaluationService, TickReport } from '../../src/evaluator/index.js';
import { TriggerRelay } from '../../src/triggers/index.js';
import type { Override } from './bench-app.js';
import { MINUTE } from './fixtures.js';
import { measure, type Sample } from './stats.js';

/**
 * The outbox relay, silenced: triggers stay recorded in Postgres but are not published, so that a tick is measured
 * without the notifier routing triggers to thousands of bots in the same process at the same time.
 */
export const QUIET_RELAY: Override = {
  provide: TriggerRelay,
  useValue: { kick: () => Promise.resolve(), publishCommitted: () => undefined, drain: () => Promise.resolve() },
};

/** Moves market time one candle on and ticks, `count` times. */
export async function advanceAndTick(evaluation: EvaluationService, clock: ManualClock, count: number, stepMs = MINUTE): Promise<TickReport[]> {
  const reports: TickReport[] = [];
  for (let i = 0; i < count; i++) {
    clock.advance(stepMs);
    reports.push(await evaluation.tick());
  }
  return reports;
}

/** Like `advanceAndTick`, timing each tick (wall and this process's CPU). */
export async function measuredTicks(evaluation: EvaluationService, clock: ManualClock, count: number): Promise<{ samples: Sample[]; reports: TickReport[] }> {
  const samples: Sample[] = [];
  const reports: TickReport[] = [];
  for (let i = 0; i < count; i++) {
    clock.advance(MINUTE);
    const { result, ...sample } = await measure(() => evaluation.tick());
    samples.push(sample);
    reports.push(result);
  }
  return { samples, reports };
}

export interface TickTarget {
  evaluation: EvaluationService;
  clock: ManualClock;
}

/**
 * Ticks two apps in turns (A B, B A, A B, …), one new candle each, timing every tick: both are measured at the same
 * moments, so that the drift of a shared machine falls on both sides of the ratio alike.
 */
export async function alternatingTicks(a: TickTarget, b: TickTarget, count: number): Promise<{ a: Sample[]; b: Sample[]; reports: TickReport[] }> {
  const samples = { a: [] as Sample[], b: [] as Sample[] };
  const reports: TickReport[] = [];
  const one = async (target: TickTarget, into: Sample[]) => {
    target.clock.advance(MINUTE);
    const { result, ...sample } = await measure(() => target.evaluation.tick());
    into.push(sample);
    reports.push(result);
  };
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) {
      await one(a, samples.a);
      await one(b, samples.b);
    } else {
      await one(b, samples.b);
      await one(a, samples.a);
    }
  }
  return { ...samples, reports };
}
