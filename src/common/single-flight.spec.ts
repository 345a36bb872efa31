import { describe, expect, it } from 'vitest';
import { SingleFlight } from './single-flight.js';

describe('SingleFlight', () => {
  it('joins a call made while a run is in flight, and starts anew once it ended', async () => {
    const flight = new SingleFlight();
    let runs = 0;
    let finish!: () => void;
    const job = () => new Promise<void>((resolve) => ((runs += 1), (finish = resolve)));
    const first = flight.run(job);
    const joined = flight.run(job);
    expect(joined).toBe(first);
    finish();
    await first;
    await flight.run(async () => void (runs += 1));
    expect(runs).toBe(2);
  });

  it('lets idle() wait for a failing run without rejecting', async () => {
    const flight = new SingleFlight();
    const failing = flight.run(async () => { throw new Error('boom'); });
    await expect(flight.idle()).resolves.toBeUndefined();
    await expect(failing).rejects.toThrow('boom');
  });
});
