/** A problem with what the user gave the backtest (arguments, bot.json, the candle file): exit code 2, never a stack. */
export class BacktestInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BacktestInputError';
  }
}

export const EXIT = {
  ok: 0,
  /** Anything unexpected: the app failed, the database could not be reached. */
  failed: 1,
  /** Bad input: an argument, bot.json, or the candle file; the message names what to fix. */
  badInput: 2,
  /** Interrupted (Ctrl-C): the scratch database is dropped, no report is written. */
  interrupted: 130,
} as const;
