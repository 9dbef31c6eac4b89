// Small robust statistics, written for short arrays and hot loops (100k
// customers per nightly run): one copy per summary, nothing else allocated.

/** Median of values[from, to). */
export function medianOf(values: ArrayLike<number>, from = 0, to = values.length): number {
  const n = to - from;
  if (n <= 0) return NaN;
  const s = sortedSlice(values, from, to);
  return n % 2 ? s[(n - 1) >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

// Plain arrays, not typed ones: a small typed array costs an off-heap allocation, ten times a plain one.
const ascending = (a: number, b: number) => a - b;

export function sortedSlice(values: ArrayLike<number>, from = 0, to = values.length): number[] {
  const s: number[] = [];
  for (let i = from; i < to; i++) s.push(values[i]);
  return s.sort(ascending);
}

/** Linear-interpolated quantile of an ascending array. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export interface RobustSummary {
  n: number;
  median: number;
  /** Median absolute deviation (unscaled). */
  mad: number;
  p10: number;
  p90: number;
}

/** Median, MAD and 10th / 90th percentiles of values[from, to). */
export function robustSummary(values: ArrayLike<number>, from = 0, to = values.length): RobustSummary {
  const n = to - from;
  if (n <= 0) return { n: 0, median: NaN, mad: NaN, p10: NaN, p90: NaN };
  const s = sortedSlice(values, from, to);
  const median = quantileSorted(s, 0.5);
  const dev: number[] = [];
  for (let i = 0; i < n; i++) dev.push(Math.abs(s[i] - median));
  dev.sort(ascending);
  return { n, median, mad: quantileSorted(dev, 0.5), p10: quantileSorted(s, 0.1), p90: quantileSorted(s, 0.9) };
}

/**
 * Laplace scale of a customer's values for change detection. With few points
 * the own MAD is noise (often 0 for whole days), so the segment's typical
 * spread counts as `priorStrength` pseudo-points; the blend only ever widens
 * an observed spread (a customer seen to be erratic stays erratic), and the
 * result is widened by (1 + smallSample / n) for the uncertainty of the
 * scale itself, as a Student-t predictive interval is wider than a normal one.
 */
export function shrunkScale(
  own: RobustSummary,
  priorScale: number,
  priorStrength: number,
  floor: number,
  smallSample = 0,
): number {
  const ownScale = own.n >= 2 ? own.mad / Math.LN2 : 0;
  const n = own.n >= 2 ? own.n : 0;
  const blended = Math.sqrt((n * ownScale * ownScale + priorStrength * priorScale * priorScale) / (n + priorStrength));
  const widened = Math.max(ownScale, blended) * (1 + smallSample / Math.max(1, own.n));
  return Math.max(floor, widened);
}

/**
 * Empirical-Bayes weight of the segment median in a customer's location: the
 * customer's own median is noisy by about scale²/n (Laplace variance 2b²), the
 * segment's customers spread by between²; the less the own data says, the more
 * the segment counts.
 */
export function segmentWeight(n: number, scale: number, between: number): number {
  if (n <= 0) return 1;
  const noise = (2 * scale * scale) / n;
  const spread = Math.max(between * between, 1e-9);
  return noise / (noise + spread);
}

const LOG10_2 = Math.log10(2);

/** -log10 of the upper tail P(X ≥ x) of a Laplace(location, scale). */
export function laplaceUpperSurprise(x: number, location: number, scale: number): number {
  const z = (x - location) / scale;
  if (z <= 0) return -Math.log10(1 - 0.5 * Math.exp(z));
  return Math.LOG10E * z + LOG10_2;
}

/** Distance above the location where the Laplace upper tail equals p. */
export function laplaceTailDistance(scale: number, p: number): number {
  return scale * Math.log(1 / (2 * p));
}

// ---- Beta-Binomial -------------------------------------------------------

const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = 0.99999999999980993;
  const t = z + 7.5;
  for (let i = 0; i < 8; i++) a += LANCZOS[i] / (z + i + 1);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** log P(X = k) for X ~ BetaBinomial(n, a, b). */
export function betaBinomialLogPmf(k: number, n: number, a: number, b: number): number {
  const logChoose = logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
  return logChoose + logBeta(k + a, n - k + b) - logBeta(a, b);
}

/**
 * -log10 P(X ≤ k) (lower = true) or -log10 P(X ≥ k) (lower = false) under the
 * Beta-Binomial posterior predictive: the surprise of k successes in n recent
 * items given a baseline rate known only as well as Beta(a, b).
 */
export function betaBinomialTailSurprise(k: number, n: number, a: number, b: number, lower: boolean): number {
  if (lower ? k >= n : k <= 0) return 0; // the whole distribution: no surprise
  let p = 0;
  const from = lower ? 0 : k;
  const to = lower ? k : n;
  for (let i = from; i <= to; i++) p += Math.exp(betaBinomialLogPmf(i, n, a, b));
  return -Math.log10(Math.min(1, Math.max(p, 1e-300)));
}

/** Surprise (log10) turned into a 0..1 score: 0.5 at the alert threshold. */
export function surpriseScore(evidence: number, threshold: number): number {
  const e = Math.max(0, evidence);
  return e / (e + threshold);
}
