// Evaluation metrics, plain functions over arrays.

/** Area under the ROC curve, ties counting half (average ranks); NaN (not measured) with one class only, or a score that is not finite. */
export function auc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const n = scores.length;
  for (let i = 0; i < n; i++) if (!Number.isFinite(scores[i])) return NaN;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (positive[order[k]]) {
        rankSum += averageRank;
        positives++;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function accuracy(predicted: ArrayLike<boolean>, actual: ArrayLike<boolean>): number {
  let hits = 0;
  for (let i = 0; i < actual.length; i++) if (predicted[i] === actual[i]) hits++;
  return hits / actual.length;
}

/** F1 of each class 0..classes-1; NaN for a class never predicted nor present. */
export function f1PerClass(predicted: ArrayLike<number>, actual: ArrayLike<number>, classes: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < classes; c++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < actual.length; i++) {
      if (predicted[i] === c && actual[i] === c) tp++;
      else if (predicted[i] === c) fp++;
      else if (actual[i] === c) fn++;
    }
    out.push(tp + fp + fn === 0 ? NaN : (2 * tp) / (2 * tp + fp + fn));
  }
  return out;
}

/** Unweighted mean of per-class F1 (a class never predicted nor present is skipped). */
export function macroF1(predicted: ArrayLike<number>, actual: ArrayLike<number>, classes: number): number {
  const f1 = f1PerClass(predicted, actual, classes).filter((x) => !Number.isNaN(x));
  return f1.length ? f1.reduce((a, b) => a + b, 0) / f1.length : NaN;
}

export function rmse(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += (predicted[i] - actual[i]) ** 2;
  return Math.sqrt(s / actual.length);
}

export function mae(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += Math.abs(predicted[i] - actual[i]);
  return s / actual.length;
}

export function brier(probabilities: ArrayLike<number>, actual: ArrayLike<boolean>): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += (probabilities[i] - (actual[i] ? 1 : 0)) ** 2;
  return s / actual.length;
}

export interface ReliabilityBin {
  from: number;
  to: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

/** Equal-width reliability bins and the expected calibration error (count-weighted |predicted − observed|). */
export function calibration(probabilities: ArrayLike<number>, actual: ArrayLike<boolean>, bins = 10): { ece: number; bins: ReliabilityBin[] } {
  const count = new Array<number>(bins).fill(0);
  const sumP = new Array<number>(bins).fill(0);
  const sumY = new Array<number>(bins).fill(0);
  for (let i = 0; i < actual.length; i++) {
    const b = Math.min(bins - 1, Math.floor(probabilities[i] * bins));
    count[b]++;
    sumP[b] += probabilities[i];
    sumY[b] += actual[i] ? 1 : 0;
  }
  let ece = 0;
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    if (!count[b]) continue;
    const meanPredicted = sumP[b] / count[b];
    const observedRate = sumY[b] / count[b];
    ece += (count[b] / actual.length) * Math.abs(meanPredicted - observedRate);
    out.push({ from: b / bins, to: (b + 1) / bins, count: count[b], meanPredicted, observedRate });
  }
  return { ece, bins: out };
}

/** Share of actual values inside [low, high] (interval coverage). */
export function coverage(low: ArrayLike<number>, high: ArrayLike<number>, actual: ArrayLike<number>): number {
  let inside = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] >= low[i] && actual[i] <= high[i]) inside++;
  return inside / actual.length;
}
