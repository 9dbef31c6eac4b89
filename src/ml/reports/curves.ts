// The numbers behind the report's plots, from scores and outcomes. Pure
// functions; models may also use them in their own diagnose().
import type { BySegment, OverTime, SegmentMetric } from './types.js';

export interface RocPoint {
  fpr: number;
  tpr: number;
  threshold: number;
}

export interface PrPoint {
  recall: number;
  precision: number;
  threshold: number;
}

export interface CalibrationBin {
  /** Mean predicted probability of the bin. */
  predicted: number;
  /** Share of positives observed in the bin. */
  observed: number;
  n: number;
}

/** Indices by descending score, ties adjacent. */
function byScore(score: ArrayLike<number>): number[] {
  return Array.from({ length: score.length }, (_, i) => i).sort((a, b) => score[b] - score[a]);
}

/** Cumulative counts at each distinct threshold, highest first (ties move together). */
function sweep(score: ArrayLike<number>, label: ArrayLike<boolean>): { tp: number; fp: number; threshold: number }[] {
  const order = byScore(score);
  const out: { tp: number; fp: number; threshold: number }[] = [];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length; ) {
    const s = score[order[i]];
    while (i < order.length && score[order[i]] === s) {
      if (label[order[i]]) tp++;
      else fp++;
      i++;
    }
    out.push({ tp, fp, threshold: s });
  }
  return out;
}

// NaN equals no score, itself included: the sweep could never step past one.
function rankable(score: ArrayLike<number>): boolean {
  for (let i = 0; i < score.length; i++) if (Number.isNaN(score[i])) return false;
  return true;
}

function positives(label: ArrayLike<boolean>): number {
  let p = 0;
  for (let i = 0; i < label.length; i++) if (label[i]) p++;
  return p;
}

/** ROC curve from (0,0) to (1,1); empty without both classes, or when a score is NaN (nothing ranks it). */
export function rocCurve(score: ArrayLike<number>, label: ArrayLike<boolean>): RocPoint[] {
  const p = positives(label);
  const n = label.length - p;
  if (p === 0 || n === 0 || !rankable(score)) return [];
  return [{ fpr: 0, tpr: 0, threshold: Infinity }, ...sweep(score, label).map((c) => ({ fpr: c.fp / n, tpr: c.tp / p, threshold: c.threshold }))];
}

/** Area under the ROC curve by trapezoids (ties count half); NaN without both classes. */
export function areaUnderRoc(points: readonly RocPoint[]): number {
  if (points.length < 2) return NaN;
  let area = 0;
  for (let i = 1; i < points.length; i++) {
    area += (points[i].fpr - points[i - 1].fpr) * (points[i].tpr + points[i - 1].tpr) / 2;
  }
  return area;
}

/** Precision by recall, highest score first; empty without a positive, or when a score is NaN. */
export function prCurve(score: ArrayLike<number>, label: ArrayLike<boolean>): PrPoint[] {
  const p = positives(label);
  if (p === 0 || !rankable(score)) return [];
  return sweep(score, label).map((c) => ({ recall: c.tp / p, precision: c.tp / (c.tp + c.fp), threshold: c.threshold }));
}

/** Average precision: precision weighted by each step in recall. */
export function averagePrecision(points: readonly PrPoint[]): number {
  let ap = 0;
  let lastRecall = 0;
  for (const pt of points) {
    ap += (pt.recall - lastRecall) * pt.precision;
    lastRecall = pt.recall;
  }
  return points.length ? ap : NaN;
}

/** Reliability diagram: equal-width probability bins; empty bins are dropped. */
export function calibrationBins(score: ArrayLike<number>, label: ArrayLike<boolean>, bins = 10): CalibrationBin[] {
  const sum = new Array<number>(bins).fill(0);
  const pos = new Array<number>(bins).fill(0);
  const n = new Array<number>(bins).fill(0);
  for (let i = 0; i < score.length; i++) {
    const s = Math.min(1, Math.max(0, score[i]));
    const b = Math.min(bins - 1, Math.floor(s * bins));
    sum[b] += s;
    n[b]++;
    if (label[i]) pos[b]++;
  }
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) if (n[b]) out.push({ predicted: sum[b] / n[b], observed: pos[b] / n[b], n: n[b] });
  return out;
}

/** Expected calibration error: |observed − predicted| weighted by bin size. */
export function expectedCalibrationError(bins: readonly CalibrationBin[]): number {
  const total = bins.reduce((s, b) => s + b.n, 0);
  return total ? bins.reduce((s, b) => s + (b.n / total) * Math.abs(b.observed - b.predicted), 0) : NaN;
}

/** Keeps at most `max` points, evenly spaced, first and last included: a plot needs no more. */
export function thin<T>(points: readonly T[], max = 200): T[] {
  if (points.length <= max) return [...points];
  const step = (points.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => points[Math.round(i * step)]);
}

function groupIndices(keys: ArrayLike<string>): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < keys.length; i++) {
    const g = groups.get(keys[i]);
    if (g) g.push(i);
    else groups.set(keys[i], [i]);
  }
  return groups;
}

/** AUC of each period (e.g. month of the holdout): a backtest of ranking power over time. */
export function aucOverTime(score: ArrayLike<number>, label: ArrayLike<boolean>, period: ArrayLike<string>, minRows = 20): OverTime {
  const points = [...groupIndices(period)]
    .filter(([, idx]) => idx.length >= minRows)
    .map(([p, idx]) => ({
      period: p,
      value: areaUnderRoc(rocCurve(idx.map((i) => score[i]), idx.map((i) => label[i]))),
      n: idx.length,
    }))
    .filter((pt) => Number.isFinite(pt.value))
    .sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
  return { metric: 'AUC', points };
}

/** Mean absolute error in each segment, largest first. */
export function errorBySegment(predicted: ArrayLike<number>, actual: ArrayLike<number>, segment: ArrayLike<string>, metric = 'mean absolute error'): BySegment {
  const segments: SegmentMetric[] = [...groupIndices(segment)].map(([s, idx]) => ({
    segment: s,
    value: idx.reduce((sum, i) => sum + Math.abs(predicted[i] - actual[i]), 0) / idx.length,
    n: idx.length,
  }));
  return { metric, segments: segments.sort((a, b) => b.value - a.value) };
}

/** Binary confusion matrix at a threshold. */
export function binaryConfusion(score: ArrayLike<number>, label: ArrayLike<boolean>, threshold = 0.5, names: [string, string] = ['negative', 'positive']) {
  const counts = [[0, 0], [0, 0]];
  for (let i = 0; i < score.length; i++) counts[label[i] ? 1 : 0][score[i] >= threshold ? 1 : 0]++;
  return { classes: [...names], counts };
}
