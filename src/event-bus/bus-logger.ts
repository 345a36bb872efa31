import type { LoggerService } from '@nestjs/common';

/** What the adapters log through: Nest's `Logger` by default, a recording fake in tests. */
export type BusLogger = Pick<LoggerService, 'log' | 'warn' | 'error'>;

/** The text kept with a dead letter and in logs: the message only, since stacks are long and name files. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
