// Work on this thread that never waits on I/O (PGlite answers in the same
// thread) holds the event loop: no HTTP answer, no health check until it ends.
// Such work calls a turn giver at its natural steps; the loop gets a turn when
// it has not had one for `everyMs`.
import { setImmediate as nextTurn } from 'node:timers/promises';

export const TURN_EVERY_MS = 50;

export function turnGiver(everyMs = TURN_EVERY_MS): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < everyMs) return;
    await nextTurn();
    last = performance.now();
  };
}
