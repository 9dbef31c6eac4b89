// The change-point search shared by the signals read item by item (invoices,
// payments): the longest recent run that is all affected, each candidate run
// judged against the baseline of the items before it. Longest first, so the
// baseline stops where the change began; a one-sided CUSUM that restarts at
// the change, with persistence as a hard rule.

export interface RunReading {
  evidence: number;
  /** The run counts: no item in it looked as usual, and enough were affected. */
  holds: boolean;
}

export interface RunSearch<B> {
  /** Items in the recent window: the run when found, else the last `persistence`. */
  length: number;
  base: B;
  evidence: number;
  found: boolean;
}

export function searchRun<B>(
  n: number,
  persistence: number,
  maxRecentItems: number,
  minBaselineItems: number,
  baselineOf: (baselineEnd: number) => B,
  read: (from: number, base: B) => RunReading,
): RunSearch<B> {
  for (let length = Math.min(maxRecentItems, n - minBaselineItems); length >= persistence; length--) {
    const base = baselineOf(n - length);
    const run = read(n - length, base);
    if (run.holds) return { length, base, evidence: run.evidence, found: true };
  }
  // No change: the last items against the rest, as a reading below the alert band.
  const length = Math.min(persistence, n);
  const base = baselineOf(n - length);
  return { length, base, evidence: read(n - length, base).evidence, found: false };
}
