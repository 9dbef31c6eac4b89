// One mapping from surprise to a 0..1 score shared by the four signals, so that
// "score ≥ 0.5" means exactly "this signal alerts" in saved searches, while
// scores below 0.5 still rank customers that are not (yet) alerting.

/** Alerting: 0.5 at the threshold, toward 1 as evidence grows. Not alerting: below 0.5. */
export function signalScore(evidence: number, flag: boolean, threshold: number): number {
  const e = Math.max(0, evidence);
  if (flag) return 0.5 + (0.5 * (e - threshold)) / Math.max(e, 1e-9);
  return (0.5 * e) / (e + threshold);
}

/**
 * Noisy-or of the signals. When one alerts the customer's score is ≥ 0.5;
 * otherwise the non-alerting scores combine below 0.5 (several weak signals
 * rank a customer higher, never into the alert band).
 */
export function combineScores(scores: number[], alert: boolean): number {
  let keep = 1;
  if (alert) {
    for (const s of scores) keep *= 1 - s;
    return 1 - keep;
  }
  for (const s of scores) keep *= 1 - Math.min(0.999, 2 * s);
  return 0.5 * (1 - keep);
}

/** Cap of one item's contribution; returns 0 for a non-positive surprise. */
export function capped(surprise: number, cap: number): number {
  return surprise > 0 ? Math.min(cap, surprise) : 0;
}
