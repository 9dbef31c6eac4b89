// Upkeep each process runs on a timer (the sweeps): now, then every `everyMs`,
// never two passes at once, a pass that fails reported and made again at the
// next tick. The timer does not hold the process open.

export interface Periodic {
  /** Stops the timer and waits for a pass under way. */
  stop(): Promise<void>;
}

export function startPeriodic(task: () => Promise<void>, everyMs: number, onError: (err: unknown) => void): Periodic {
  let running: Promise<void> | null = null;
  const tick = () => {
    running ??= task()
      .catch(onError)
      .finally(() => {
        running = null;
      });
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
