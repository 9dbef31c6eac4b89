// Progress for the analysts' commands: a bar on a terminal, plain lines
// otherwise (CI logs, pipes), always on stderr so stdout keeps only the final JSON line.
import cliProgress from 'cli-progress';

export interface Progress {
  update(fraction: number, message: string): void;
  stop(): void;
}

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export function makeProgress(label: string, stream: ProgressStream): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% {message}`, stream: stream as NodeJS.WritableStream, hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    bar.start(100, 0, { message: '' });
    return {
      update: (fraction, message) => bar.update(Math.round(fraction * 100), { message }),
      stop: () => bar.stop(),
    };
  }
  // Plain lines: one per new message, and one per 10% of a long phase.
  let lastMessage = '';
  let lastDecile = -1;
  return {
    update(fraction, message) {
      const decile = Math.floor(fraction * 10);
      if (message === lastMessage && decile === lastDecile) return;
      lastMessage = message;
      lastDecile = decile;
      stream.write(`${label} ${String(Math.round(fraction * 100)).padStart(3)}% ${message}\n`);
    },
    stop() {},
  };
}
