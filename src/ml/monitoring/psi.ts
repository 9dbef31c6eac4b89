// Population stability index: how far the distribution of a feature moved
// between the training data (expected) and recent inputs (actual).
//   PSI = Σ (a_i − e_i) · ln(a_i / e_i) over bins, with proportions a and e.
// Rule of thumb in credit scoring: < 0.1 stable, 0.1–0.2 moving, > 0.2 shifted.
import { countLike, referenceCounts, type FeatureColumns, type FeatureHistogram } from './histogram.js';

export const DEFAULT_PSI_THRESHOLD = 0.2;

/**
 * PSI of two count vectors over the same bins. Half a count is added to every
 * bin (Jeffreys smoothing) so an empty bin neither divides by zero nor dominates.
 * Bins empty on both sides are skipped: they carry no information.
 */
export function psiOfCounts(expected: readonly number[], actual: readonly number[]): number {
  if (expected.length !== actual.length) throw new Error('PSI: the two histograms have different bins');
  const used = expected.map((e, i) => e + actual[i] > 0);
  const k = used.filter(Boolean).length;
  const eTotal = expected.reduce((s, x) => s + x, 0) + 0.5 * k;
  const aTotal = actual.reduce((s, x) => s + x, 0) + 0.5 * k;
  if (k === 0 || eTotal === 0 || aTotal === 0) return 0;
  let psi = 0;
  for (let i = 0; i < expected.length; i++) {
    if (!used[i]) continue;
    const e = (expected[i] + 0.5) / eTotal;
    const a = (actual[i] + 0.5) / aTotal;
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

export interface FeaturePsi {
  feature: string;
  psi: number;
  alert: boolean;
}

/** PSI of each reference feature present in `recent`; features absent from `recent` are skipped. */
export function featurePsi(reference: readonly FeatureHistogram[], recent: FeatureColumns, threshold = DEFAULT_PSI_THRESHOLD): FeaturePsi[] {
  const counts = new Map<string, number[]>();
  for (const h of reference) if (recent[h.feature]) counts.set(h.feature, countLike(h, recent[h.feature]));
  return featurePsiOfCounts(reference, counts, threshold);
}

/** The same from counts already binned like the reference (countLike, FeatureTally), largest first. */
export function featurePsiOfCounts(
  reference: readonly FeatureHistogram[],
  counts: ReadonlyMap<string, readonly number[]>,
  threshold = DEFAULT_PSI_THRESHOLD,
): FeaturePsi[] {
  const out: FeaturePsi[] = [];
  for (const h of reference) {
    const actual = counts.get(h.feature);
    if (!actual) continue;
    const psi = psiOfCounts(referenceCounts(h), actual);
    out.push({ feature: h.feature, psi, alert: psi > threshold });
  }
  return out.sort((a, b) => b.psi - a.psi);
}
