// A fixed number of places for work that each holds something costly (a
// thread and its heap), and a line of bounded length for the rest. Unbounded,
// the line would grow with a burst of requests, each holding what it waits to
// work on, and the last in line would wait for the whole burst.

/** The line was full: the work was refused at once, rather than waiting behind all of it. */
export class LineFull extends Error {
  constructor(readonly waiting: number) {
    super(`${waiting} wait for a place already`);
  }
}

interface Place {
  start(): void;
}

export class Slots {
  private busy = 0;
  private readonly line: Place[] = [];

  constructor(readonly size: number) {}

  /** How many places are held, and how many wait for one. */
  get state(): { held: number; waiting: number } {
    return { held: this.busy, waiting: this.line.length };
  }

  /**
   * Runs `work` in a place: at once when one is free, else once those ahead of
   * it are done. Refused at once (LineFull) when `mostWaiting` wait already;
   * leaves the line, rejecting with the signal's reason, if `signal` aborts
   * before its turn. `work` is only called in its place: what it builds is
   * built then, not held while it waits.
   */
  async run<T>(work: () => Promise<T>, { mostWaiting = Infinity, signal }: { mostWaiting?: number; signal?: AbortSignal } = {}): Promise<T> {
    await this.take(mostWaiting, signal);
    try {
      return await work();
    } finally {
      // Handed to the next in line, or given back.
      const next = this.line.shift();
      if (next) next.start();
      else this.busy--;
    }
  }

  // Not async: a free place is taken before the caller's next line runs.
  private take(mostWaiting: number, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.busy < this.size) {
      this.busy++;
      return Promise.resolve();
    }
    if (this.line.length >= mostWaiting) return Promise.reject(new LineFull(this.line.length));
    return new Promise((resolve, reject) => {
      const leave = () => {
        this.line.splice(this.line.indexOf(place), 1);
        reject(signal!.reason);
      };
      const place: Place = {
        start: () => {
          signal?.removeEventListener('abort', leave);
          resolve();
        },
      };
      signal?.addEventListener('abort', leave, { once: true });
      this.line.push(place);
    });
  }
}
