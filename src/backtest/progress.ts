import { SingleBar } from 'cli-progress';

/** Told how far the replay is; the command shows it, the in-process function shows nothing unless given one. */
export interface ProgressReporter {
  start(total: number, label: string): void;
  update(done: number, marketTime: number): void;
  stop(): void;
}

/**
 * A bar on a terminal (stderr only, so stdout stays the summary); on a pipe or in CI a plain line every ~10%, since
 * redrawn bars turn into garbage in log files.
 */
export function consoleProgress(stream: NodeJS.WriteStream = process.stderr, env: Record<string, string | undefined> = process.env): ProgressReporter {
  return stream.isTTY && !env.CI ? barProgress(stream) : lineProgress(stream);
}

function barProgress(stream: NodeJS.WriteStream): ProgressReporter {
  const bar = new SingleBar({
    stream,
    format: 'replaying {bar} {percentage}% | {value}/{total} steps | {time} | eta {eta_formatted}',
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: true,
    etaBuffer: 200,
  });
  return {
    start: (total) => bar.start(total, 0, { time: '' }),
    update: (done, marketTime) => bar.update(done, { time: isoMinute(marketTime) }),
    stop: () => bar.stop(),
  };
}

function lineProgress(stream: NodeJS.WriteStream): ProgressReporter {
  let total = 0;
  let nextTenth = 1;
  return {
    start(steps, label) {
      total = steps;
      nextTenth = 1;
      stream.write(`replaying ${steps} steps: ${label}\n`);
    },
    update(done, marketTime) {
      if (total === 0 || done * 10 < nextTenth * total) return;
      nextTenth = Math.floor((done * 10) / total) + 1;
      stream.write(`replayed ${Math.floor((100 * done) / total)}% (${done}/${total} steps, market time ${isoMinute(marketTime)})\n`);
    },
    stop: () => undefined,
  };
}

const isoMinute = (time: number) => new Date(time).toISOString().slice(0, 16).replace('T', ' ');
