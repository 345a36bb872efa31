import type { BusLogger } from '../../src/event-bus/bus-logger.js';

/** Keeps what the bus logs instead of printing it, so that tests can assert on warnings and stay quiet. */
export class RecordingLogger implements BusLogger {
  readonly lines: { level: 'log' | 'warn' | 'error'; message: string }[] = [];

  log(message: string): void {
    this.lines.push({ level: 'log', message });
  }

  warn(message: string): void {
    this.lines.push({ level: 'warn', message });
  }

  error(message: string): void {
    this.lines.push({ level: 'error', message });
  }

  messages(level: 'log' | 'warn' | 'error'): string[] {
    return this.lines.filter((line) => line.level === level).map((line) => line.message);
  }
}
