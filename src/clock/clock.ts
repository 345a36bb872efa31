/**
 * The one source of "now" for the whole app, in UTC milliseconds.
 * Market time can differ from wall time: a replay runs faster than real time, and tests set it by hand.
 */
export abstract class Clock {
  abstract now(): number;
}

export class SystemClock extends Clock {
  now(): number {
    return Date.now();
  }
}

/** Market time that starts at `origin` when created and runs `speed` times faster than the wall clock. */
export class ReplayClock extends Clock {
  private readonly startedAt: number;

  constructor(
    private readonly origin: number,
    private readonly speed: number,
    private readonly wall: () => number = Date.now,
    startedAt?: number,
  ) {
    super();
    this.startedAt = startedAt ?? wall();
  }

  now(): number {
    return this.origin + Math.floor((this.wall() - this.startedAt) * this.speed);
  }
}

/** A clock that moves only when told to: for tests and backtests. */
export class ManualClock extends Clock {
  constructor(private current = 0) {
    super();
  }

  now(): number {
    return this.current;
  }

  set(time: number): void {
    this.current = time;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
