/**
 * At most one run of a periodic job at a time: a call while a run is in flight joins it instead of stacking another
 * (a slow pass is not piled on by the next timer tick), and shutdown waits for the run in flight.
 */
export class SingleFlight {
  private running?: Promise<void>;

  run(job: () => Promise<void>): Promise<void> {
    this.running ??= job().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Resolves when the run in flight, if any, has ended (never rejects: callers of `run` see its failure). */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }
}
