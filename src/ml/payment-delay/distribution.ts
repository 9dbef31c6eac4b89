// The predicted payment date as a distribution of the payment offset (days after
// due): location + scale × a residual shape learned from out-of-sample training
// residuals (skewed, heavy-tailed: not forced to be normal). Conditioning on what
// is known at scoring time is done here, not in the regression:
// - an invoice still open at the scoring date cannot be paid before it
//   (truncation), so "already 12 days overdue" moves every quantile;
// - an active promise to pay mixes "paid by the promised date" (with the
//   customer's kept-promise rate) with "promise broken, paid later".

import { calibratedLevel, uncalibratedToLevel } from './overdue-calibration.js';

/** Below this survival at the bound, an overdue invoice's forecast is not recalibrated (see OffsetDistribution). */
const CALIBRATION_MIN_SURVIVAL = 1e-200;

/** Levels at which the standardized residual shape is stored. */
export const SHAPE_LEVELS: readonly number[] = [0.0025, ...Array.from({ length: 99 }, (_, i) => (i + 1) / 100), 0.9975];

/** Quantiles of the standardized residual at SHAPE_LEVELS (non-decreasing). */
export type ResidualShape = number[];

/** Standardized residual quantiles from a sample. */
export function fitShape(standardized: Float64Array): ResidualShape {
  const sorted = Float64Array.from(standardized).sort();
  const n = sorted.length;
  return SHAPE_LEVELS.map((p) => {
    const h = p * (n - 1);
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, n - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  });
}

/** Exponential tails beyond the stored levels, with the scale of the outermost stored gap. */
function tailScales(shape: ResidualShape): { lo: number; hi: number } {
  const last = shape.length - 1;
  const pLo = SHAPE_LEVELS[1] - SHAPE_LEVELS[0];
  const pHi = SHAPE_LEVELS[last] - SHAPE_LEVELS[last - 1];
  // Density at the edge ≈ Δp / Δz; an exponential tail with the same density at the edge has scale p_edge / density.
  const lo = Math.max(((shape[1] - shape[0]) * SHAPE_LEVELS[0]) / pLo, 1e-3);
  const hi = Math.max(((shape[last] - shape[last - 1]) * (1 - SHAPE_LEVELS[last])) / pHi, 1e-3);
  return { lo, hi };
}

/** Derived once per shape: tail scales and, at each knot, ∫ P(Z > t) dt from the knot to +∞. */
interface ShapeGeometry {
  tails: { lo: number; hi: number };
  tailIntegral: Float64Array;
}

const geometries = new WeakMap<ResidualShape, ShapeGeometry>();

function geometryOf(shape: ResidualShape): ShapeGeometry {
  let g = geometries.get(shape);
  if (!g) {
    const tails = tailScales(shape);
    const last = shape.length - 1;
    const tailIntegral = new Float64Array(shape.length);
    tailIntegral[last] = (1 - SHAPE_LEVELS[last]) * tails.hi;
    for (let j = last - 1; j >= 0; j--) {
      // Survival is linear between knots: trapezoid.
      tailIntegral[j] = tailIntegral[j + 1] + ((shape[j + 1] - shape[j]) * (2 - SHAPE_LEVELS[j] - SHAPE_LEVELS[j + 1])) / 2;
    }
    g = { tails, tailIntegral };
    geometries.set(shape, g);
  }
  return g;
}

/** ∫ P(Z > t) dt from z to +∞, in closed form on the piecewise shape. */
function survivalIntegral(shape: ResidualShape, g: ShapeGeometry, z: number): number {
  const last = shape.length - 1;
  const { tails, tailIntegral } = g;
  if (z >= shape[last]) return (1 - SHAPE_LEVELS[last]) * tails.hi * Math.exp(-(z - shape[last]) / tails.hi);
  if (z <= shape[0]) {
    const below = shape[0] - z - SHAPE_LEVELS[0] * tails.lo * (1 - Math.exp((z - shape[0]) / tails.lo));
    return tailIntegral[0] + below;
  }
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (shape[mid] <= z) lo = mid;
    else hi = mid;
  }
  return tailIntegral[hi] + ((shape[hi] - z) * (survival(shape, tails, z) + 1 - SHAPE_LEVELS[hi])) / 2;
}

/** Survival function of the standardized shape, P(Z > z); precise far in the upper tail. */
function survival(shape: ResidualShape, tails: { lo: number; hi: number }, z: number): number {
  const last = shape.length - 1;
  if (z >= shape[last]) return (1 - SHAPE_LEVELS[last]) * Math.exp(-(z - shape[last]) / tails.hi);
  if (z <= shape[0]) return 1 - SHAPE_LEVELS[0] * Math.exp((z - shape[0]) / tails.lo);
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (shape[mid] <= z) lo = mid;
    else hi = mid;
  }
  const gap = shape[hi] - shape[lo];
  const t = gap > 0 ? (z - shape[lo]) / gap : 1;
  return 1 - (SHAPE_LEVELS[lo] + t * (SHAPE_LEVELS[hi] - SHAPE_LEVELS[lo]));
}

/** Inverse of survival: the z with P(Z > z) = s. */
function inverseSurvival(shape: ResidualShape, tails: { lo: number; hi: number }, s: number): number {
  const last = shape.length - 1;
  const sLast = 1 - SHAPE_LEVELS[last];
  if (s <= sLast) return shape[last] - tails.hi * Math.log(Math.max(s, 1e-300) / sLast);
  const p = 1 - s;
  if (p <= SHAPE_LEVELS[0]) return shape[0] + tails.lo * Math.log(Math.max(p, 1e-300) / SHAPE_LEVELS[0]);
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (SHAPE_LEVELS[mid] <= p) lo = mid;
    else hi = mid;
  }
  const t = (p - SHAPE_LEVELS[lo]) / (SHAPE_LEVELS[hi] - SHAPE_LEVELS[lo]);
  return shape[lo] + t * (shape[hi] - shape[lo]);
}

export interface PromiseToPay {
  /** Promised payment date, days after due. */
  offset: number;
  /** Probability the promise is kept (customer's shrunk kept rate). */
  keptProbability: number;
  /** Days after the promised date still counted as kept. */
  graceDays: number;
}

export interface DueDayAtom {
  probability: number;
  /** Offset of the due date's business day: 0, or -1 / -2 for a due date on a weekend. */
  offset: number;
  /**
   * How invoices of the habit were paid when not on that day (a failed direct
   * debit, collected again a week or two later): days after the due business
   * day, as a shape of scale 1. With it, the payments off the atom follow this
   * shape with the atom's probability (the invoice follows the habit) and the
   * customer's smooth distribution otherwise, so an invoice still unpaid after
   * a missed debit is expected when missed debits were paid, not just after.
   */
  missed?: { shape: ResidualShape; shapeMean: number };
}

/** location + scale × shape: one smooth part of the distribution, with its prior weight among the payments off the atom. */
class SmoothPart {
  readonly tails: { lo: number; hi: number };
  readonly geometry: ShapeGeometry;

  constructor(
    readonly location: number,
    readonly scale: number,
    readonly shape: ResidualShape,
    readonly prior: number,
    /** Mean of the shape when known here; the customer's smooth part gets it from mean()'s caller. */
    readonly shapeMean: number | null,
  ) {
    this.geometry = geometryOf(shape);
    this.tails = this.geometry.tails;
  }

  survival(x: number): number {
    return survival(this.shape, this.tails, (x - this.location) / this.scale);
  }

  /** The p-quantile of the part truncated below `from` (sFrom = survival(from)); far in the tail, memoryless. */
  quantileAbove(p: number, from: number, sFrom: number): number {
    // The target survival would underflow: `from` is deep in the exponential tail, which is memoryless.
    if (sFrom * (1 - p) <= 1e-300) return from - this.tailScale() * Math.log(1 - p);
    return Math.max(from, this.location + this.scale * inverseSurvival(this.shape, this.tails, sFrom * (1 - p)));
  }

  /** Scale of the upper exponential tail, in days. */
  tailScale(): number {
    return this.tails.hi * this.scale;
  }

  /** E[X | X > lower], in closed form: lower + ∫ S(x) dx / S(lower). */
  meanAbove(lower: number, sLower: number, meanShape: number): number {
    if (sLower > 0.9999) return this.location + this.scale * meanShape;
    // Far in the upper tail the exponential is memoryless: one tail scale beyond the bound.
    if (sLower <= 1e-300) return lower + this.scale * this.tails.hi;
    return lower + (this.scale * survivalIntegral(this.shape, this.geometry, (lower - this.location) / this.scale)) / sLower;
  }
}

/** Payment offset distribution: location + scale × shape, truncated below `lower`, optionally a promise mixture. */
export class OffsetDistribution {
  private readonly parts: SmoothPart[];
  private readonly survivalAtLower: number;

  constructor(
    readonly location: number,
    readonly scale: number,
    shape: ResidualShape,
    /** The payment cannot happen before this offset (issue date, or still unpaid at the scoring date). */
    readonly lower: number,
    private readonly promise: PromiseToPay | null = null,
    /**
     * Probability, before anything is known at the scoring date, that the
     * payment lands on the due date's business day (FeatureConfig.dueDayAtom),
     * and that day's offset; the rest follows location + scale × shape.
     * Ignored with a promise, which replaces the habit.
     */
    atom: DueDayAtom | null = null,
    /**
     * The overdue recalibration map for the days already overdue
     * (overdue-calibration.ts): applied to the smooth part truncated at
     * `lower`, when it is the whole distribution (no promise, no missed-debit part).
     */
    calibration: readonly number[] | null = null,
  ) {
    const p = atom?.probability ?? 0;
    const missed = atom?.missed && !promise && p > 0 ? atom.missed : null;
    this.parts = [new SmoothPart(location, scale, shape, missed ? 1 - p : 1, null)];
    if (missed) this.parts.push(new SmoothPart(atom!.offset, 1, missed.shape, p, missed.shapeMean));
    this.survivalAtLower = this.baseSurvival(lower);
    // Still unpaid after the due date: the due-date payment did not happen.
    this.atomOffset = atom?.offset ?? 0;
    this.atomWeight = promise || p <= 0 || this.atomOffset <= lower ? 0 : p / (p + (1 - p) * this.survivalAtLower);
    this.missedWeight = this.parts.length > 1 ? this.partWeightAbove(1, lower) : 0;
    // Far in the tail the quantiles lose precision before the survival underflows: the calibrated
    // closed-form mean reads them at its knots, so it stops well before the plain mean's limit.
    this.calibration = calibration && !promise && this.parts.length === 1 && this.atomWeight === 0 && this.survivalAtLower > CALIBRATION_MIN_SURVIVAL ? calibration : null;
  }

  /** The recalibration map in use, or null. */
  private readonly calibration: readonly number[] | null;

  readonly atomOffset: number;

  /** Probability of payment exactly on the due date, given what is known at the scoring date. */
  readonly atomWeight: number;

  /** Probability, among payments off the due date, that it follows the habit's missed-day pattern, given what is known. */
  readonly missedWeight: number;

  /** Survival of the payments off the atom, before truncation. */
  private baseSurvival(x: number): number {
    let s = 0;
    for (const part of this.parts) s += part.prior * part.survival(x);
    return s;
  }

  /** Weight of part k given the payment is later than x; beyond every part's support, the part with the longest tail. */
  private partWeightAbove(k: number, x: number): number {
    const total = this.baseSurvival(x);
    if (total > 1e-300) return (this.parts[k].prior * this.parts[k].survival(x)) / total;
    return this.parts[k].tailScale() === this.widestTail() ? 1 : 0;
  }

  private widestTail(): number {
    return Math.max(...this.parts.map((q) => q.tailScale()));
  }

  /** Survival of the truncated base distribution (no promise). */
  private truncatedSurvival(x: number): number {
    if (x <= this.lower) return 1;
    // Far beyond the model's support, every survival underflows: the exponential tail is memoryless.
    if (this.survivalAtLower <= 1e-300) return Math.exp(-(x - this.lower) / this.widestTail());
    return Math.min(1, this.baseSurvival(x) / this.survivalAtLower);
  }

  private truncatedQuantile(p: number, from = this.lower): number {
    const sFrom = from <= this.lower ? this.survivalAtLower : this.baseSurvival(from);
    if (this.parts.length === 1) return this.parts[0].quantileAbove(p, from, sFrom);
    if (sFrom <= 1e-300) return from - this.widestTail() * Math.log(1 - p);
    // Monotone mixture survival: bisect between `from` and a point where every part's
    // share of the survival is below target / parts, so the sum is below target.
    const target = sFrom * (1 - p);
    let lo = from;
    let hi = from + 1;
    this.parts.forEach((q) => {
      const s = target / (this.parts.length * q.prior);
      if (s < 1) hi = Math.max(hi, q.location + q.scale * inverseSurvival(q.shape, q.tails, s) + 1);
    });
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (this.baseSurvival(mid) > target) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  }

  /** P(paid by offset x, inclusive of fractions: use x + 0.5 for "by day x"). */
  cdf(x: number): number {
    if (this.calibration) return uncalibratedToLevel(this.calibration, 1 - this.truncatedSurvival(x));
    if (!this.promise) {
      const w = this.atomWeight;
      return (x >= this.atomOffset ? w : 0) + (1 - w) * (1 - this.truncatedSurvival(x));
    }
    const { keptProbability: w } = this.promise;
    const [a, b] = this.promiseWindow();
    const kept = x <= a ? 0 : x >= b ? 1 : (x - a) / (b - a);
    return w * kept + (1 - w) * this.brokenCdf(x);
  }

  quantile(p: number): number {
    const q = Math.min(Math.max(p, 1e-9), 1 - 1e-9);
    if (this.calibration) return this.truncatedQuantile(Math.min(Math.max(calibratedLevel(this.calibration, q), 1e-9), 1 - 1e-9));
    if (!this.promise) return this.atomWeight > 0 ? this.quantileWithAtom(q) : this.truncatedQuantile(q);
    // Monotone mixture CDF: bisect between the lower bound and a point well past both parts.
    let lo = this.lower;
    let hi = Math.max(this.promiseWindow()[1], this.brokenQuantile(0.9999)) + 1;
    for (let i = 0; i < 50; i++) {
      const mid = (lo + hi) / 2;
      if (this.cdf(mid) < q) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  }

  /** The due date's business day for the levels the atom covers, the continuous part's quantiles either side. */
  private quantileWithAtom(q: number): number {
    const w = this.atomWeight;
    if (w >= 1 - 1e-12) return this.atomOffset;
    const before = (1 - w) * (1 - this.truncatedSurvival(this.atomOffset));
    if (q < before) return this.truncatedQuantile(q / (1 - w));
    if (q <= before + w) return this.atomOffset;
    return this.truncatedQuantile(Math.min((q - w) / (1 - w), 1 - 1e-9));
  }

  /**
   * Mean offset. Without a promise it is closed-form even when truncated:
   * E[X | X > L] = L + ∫_L^∞ S(x) dx / S(L), per smooth part. A promise mixture is integrated numerically.
   */
  mean(meanShape: number): number {
    if (this.calibration) return this.calibratedMean(this.calibration);
    if (!this.promise) return this.atomWeight * this.atomOffset + (1 - this.atomWeight) * this.continuousMean(meanShape);
    const m = 40;
    let s = 0;
    for (let i = 0; i < m; i++) s += this.quantile((i + 0.5) / m);
    return s / m;
  }

  /**
   * ∫ Q(g(p)) dp with g the map, piecewise linear: on each of its segments,
   * (1 / slope) × ∫ Q(u) du over the segment's forecast levels, and
   * ∫ Q(u) du from F(a) to F(b) = a S(a) − b S(b) + ∫_a^b S, in closed form.
   */
  private calibratedMean(map: readonly number[]): number {
    const part = this.parts[0];
    const segments = map.length - 1;
    // x S(x) + ∫_x^∞ S, for the truncated distribution, at each knot of the map.
    const atKnot = map.map((u, j) => {
      if (j === segments) return { x: Infinity, value: 0 };
      const x = j === 0 ? this.lower : this.truncatedQuantile(Math.min(u, 1 - 1e-9));
      const z = (x - part.location) / part.scale;
      const integral = (part.scale * survivalIntegral(part.shape, part.geometry, z)) / this.survivalAtLower;
      return { x, value: x * (1 - u) + integral };
    });
    let mean = 0;
    for (let j = 0; j < segments; j++) {
      const width = map[j + 1] - map[j];
      mean += width > 1e-12 ? (atKnot[j].value - atKnot[j + 1].value) / (width * segments) : atKnot[j].x / segments;
    }
    return mean;
  }

  private continuousMean(meanShape: number): number {
    let mean = 0;
    for (let k = 0; k < this.parts.length; k++) {
      const part = this.parts[k];
      const weight = this.parts.length === 1 ? 1 : this.partWeightAbove(k, this.lower);
      if (weight > 0) mean += weight * part.meanAbove(this.lower, part.survival(this.lower), part.shapeMean ?? meanShape);
    }
    return mean;
  }

  /** Kept promise: paid between a few days before the promised date and the end of the grace period. */
  private promiseWindow(): [number, number] {
    const { offset, graceDays } = this.promise!;
    const b = Math.max(this.lower + 1, offset + graceDays + 1);
    return [Math.max(this.lower, Math.min(offset - 3, b - 1)), b];
  }

  /** Broken promise: paid after the promise window, following the customer's usual distribution. */
  private brokenCdf(x: number): number {
    const from = this.promiseWindow()[1];
    if (x <= from) return 0;
    const sFrom = Math.max(this.baseSurvival(from), 1e-300);
    return 1 - Math.min(1, this.baseSurvival(x) / sFrom);
  }

  private brokenQuantile(p: number): number {
    return this.truncatedQuantile(p, this.promiseWindow()[1]);
  }
}

/** Mean of a shape, for the closed-form expected offset. */
export function shapeMean(shape: ResidualShape): number {
  const m = 200;
  const tails = tailScales(shape);
  let s = 0;
  for (let i = 0; i < m; i++) s += inverseSurvival(shape, tails, 1 - (i + 0.5) / m);
  return s / m;
}
