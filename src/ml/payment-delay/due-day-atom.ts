// How likely an invoice is to be paid on its due date's business day (the atom
// of the payment-date distribution, FeatureConfig.dueDayAtom): a logistic
// regression on the customer's shrunk share of such payments (as a logit), how
// much of that share is their own record, and the invoice's own dispute flag,
// fitted by Newton's method on every training invoice. The share alone would
// promise a direct debit on a disputed invoice, which the customer blocks.
import { solveSpd } from './linear.js';
import type { FeatureTable } from './features.js';

/** JSON-serialisable. The first column is the share, entered as its logit. */
export interface AtomModel {
  names: string[];
  /** Index of each input in the feature row. */
  columns: number[];
  /** Intercept first, then one weight per column. */
  weights: number[];
  /**
   * How the habit's invoices were paid when not on the day (fitMissedShape),
   * a shape of scale 1 in days after the due business day, with its mean.
   * Absent when training had too few, and in artifacts trained before it.
   */
  missed?: MissedDueDay;
}

export interface MissedDueDay {
  shape: number[];
  shapeMean: number;
  /** Median days after the due business day of those paid after it, for the collector. */
  medianDaysLate: number;
}

const RIDGE = 1e-3;
const ITERATIONS = 50;
const SHARE_CLAMP = 1e-3;

const logit = (p: number): number => {
  const q = Math.min(Math.max(p, SHARE_CLAMP), 1 - SHARE_CLAMP);
  return Math.log(q / (1 - q));
};

function inputs(columns: readonly number[], row: ArrayLike<number>, offset: number, out: Float64Array): Float64Array {
  out[0] = 1;
  for (let j = 0; j < columns.length; j++) {
    const v = row[offset + columns[j]];
    out[j + 1] = j === 0 ? logit(v) : v;
  }
  return out;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Fit on the rows of `table`; `names` are feature columns, the share first. */
export function fitAtom(table: FeatureTable, onDueDay: ArrayLike<boolean>, names: readonly string[]): AtomModel {
  const columns = names.map((n) => table.columns.indexOf(n));
  if (columns.some((c) => c < 0)) throw new Error(`atom inputs missing from the feature table: ${names.join(', ')}`);
  const p = columns.length + 1;
  const width = table.columns.length;
  const beta = new Float64Array(p);
  const x = new Float64Array(p);
  for (let it = 0; it < ITERATIONS; it++) {
    const hessian = new Float64Array(p * p);
    const gradient = new Float64Array(p);
    for (let r = 0; r < table.rows; r++) {
      inputs(columns, table.values, r * width, x);
      let z = 0;
      for (let j = 0; j < p; j++) z += beta[j] * x[j];
      const mu = sigmoid(z);
      const w = Math.max(mu * (1 - mu), 1e-9);
      const residual = (onDueDay[r] ? 1 : 0) - mu;
      for (let i = 0; i < p; i++) {
        gradient[i] += x[i] * residual;
        for (let j = 0; j <= i; j++) hessian[i * p + j] += w * x[i] * x[j];
      }
    }
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < i; j++) hessian[j * p + i] = hessian[i * p + j];
      // The intercept is not penalised; the rest just enough to stay finite on separable data.
      if (i > 0) {
        hessian[i * p + i] += RIDGE * table.rows;
        gradient[i] -= RIDGE * table.rows * beta[i];
      }
    }
    const step = solveSpd(hessian, gradient, p);
    let largest = 0;
    for (let j = 0; j < p; j++) {
      beta[j] += step[j];
      largest = Math.max(largest, Math.abs(step[j]));
    }
    if (largest < 1e-8) break;
  }
  return { names: [...names], columns, weights: [...beta] };
}

export function atomProbability(model: AtomModel, row: Float64Array, scratch = new Float64Array(model.columns.length + 1)): number {
  inputs(model.columns, row, 0, scratch);
  let z = 0;
  for (let j = 0; j < scratch.length; j++) z += model.weights[j] * scratch[j];
  return sigmoid(z);
}

/** Fewest habit invoices paid off their due day (by weight) for a missed-day shape of their own. */
export const MIN_MISSED_WEIGHT = 30;
/** Invoices below this atom probability are not of the habit: their late payments are the smooth part's. */
export const HABIT_PROBABILITY = 0.5;

export interface OffDayPayment {
  /** Payment offset minus the due business day's offset: days after the day the habit would have paid. */
  daysAfter: number;
  /** The invoice's atom probability before it was paid. */
  probability: number;
}

/**
 * Quantiles, at `levels`, of the days after the due business day at which
 * invoices of the habit were paid when not on it, each weighted by its atom
 * probability; null when too few. A payment on day d stands for the whole day
 * (d - ½, d + ½), so the quantiles are continuous. In the world these are the
 * failed direct debits, collected again 5-14 days later, which the smooth part
 * (the customer's usual spread, a day or two for a debit payer) puts just
 * after the missed day.
 */
export function fitMissedShape(payments: readonly OffDayPayment[], levels: readonly number[]): Omit<MissedDueDay, 'shapeMean'> | null {
  const habit = payments.filter((p) => p.probability >= HABIT_PROBABILITY);
  if (habit.reduce((s, p) => s + p.probability, 0) < MIN_MISSED_WEIGHT) return null;
  const late = habit.filter((p) => p.daysAfter > 0);
  return {
    shape: weightedDayQuantiles(habit, levels),
    medianDaysLate: late.length ? Math.round(weightedDayQuantiles(late, [0.5])[0]) : 0,
  };
}

/** Quantiles of days weighted by probability, each day spread over (d - ½, d + ½). */
function weightedDayQuantiles(payments: readonly OffDayPayment[], levels: readonly number[]): number[] {
  const mass = new Map<number, number>();
  let total = 0;
  for (const p of payments) {
    mass.set(p.daysAfter, (mass.get(p.daysAfter) ?? 0) + p.probability);
    total += p.probability;
  }
  const days = [...mass.keys()].sort((a, b) => a - b);
  return levels.map((level) => {
    let before = 0;
    for (const d of days) {
      const m = mass.get(d)!;
      if (before + m >= level * total) return d - 0.5 + (level * total - before) / m;
      before += m;
    }
    return days[days.length - 1] + 0.5;
  });
}
