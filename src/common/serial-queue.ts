/**
 * Runs background tasks one after another, in the order they were pushed; a failing task is handed to its own error
 * handler and does not stop the next. `idle()` resolves once everything pushed so far is done.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  push(task: () => Promise<void>, onError: (error: unknown) => void): void {
    this.tail = this.tail.then(task).catch(onError);
  }

  idle(): Promise<void> {
    return this.tail;
  }
}
