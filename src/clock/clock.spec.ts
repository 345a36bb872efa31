import { describe, expect, it } from 'vitest';
import { ManualClock, ReplayClock } from './clock.js';

describe('clocks', () => {
  it('replays market time from an origin, REPLAY_SPEED times faster than the wall clock', () => {
    let wall = 1_000;
    const clock = new ReplayClock(Date.UTC(2023, 2, 1), 600, () => wall);
    expect(clock.now()).toBe(Date.UTC(2023, 2, 1));
    wall += 1_000;
    expect(clock.now()).toBe(Date.UTC(2023, 2, 1) + 600_000);
  });

  it('moves a manual clock only when told', () => {
    const clock = new ManualClock(5);
    clock.advance(10);
    expect(clock.now()).toBe(15);
    clock.set(100);
    expect(clock.now()).toBe(100);
  });
});
