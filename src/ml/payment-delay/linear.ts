// Small dense linear algebra: ridge regression on standardized columns of a
// row-major feature table. A few dozen columns, so normal equations + Cholesky.

/** A fitted linear model over selected columns of a feature row. JSON-serialisable. */
export interface LinearModel {
  /** Column names, in the order of `weights` (for reasons and for checking the artifact). */
  names: string[];
  /** Index of each column in the feature row. */
  columns: number[];
  means: number[];
  scales: number[];
  /** Weights on standardized columns. */
  weights: number[];
  intercept: number;
}

/** Solve A x = b for a symmetric positive-definite A (p × p, row-major). */
export function solveSpd(a: Float64Array, b: Float64Array, p: number): Float64Array {
  const l = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * p + j];
      for (let k = 0; k < j; k++) s -= l[i * p + k] * l[j * p + k];
      if (i === j) {
        if (s <= 0) throw new Error('matrix is not positive definite');
        l[i * p + i] = Math.sqrt(s);
      } else {
        l[i * p + j] = s / l[j * p + j];
      }
    }
  }
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * p + k] * y[k];
    y[i] = s / l[i * p + i];
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < p; k++) s -= l[k * p + i] * x[k];
    x[i] = s / l[i * p + i];
  }
  return x;
}

export interface RidgeInput {
  values: Float64Array;
  width: number;
  rows: number;
  /** Feature-row index and name of each column to use. */
  columns: { index: number; name: string }[];
  target: Float64Array;
  /** Penalty on standardized weights, relative to the number of rows. */
  lambda: number;
}

/**
 * Sufficient statistics of a ridge regression on standardized columns: enough to
 * fit any subset of the columns without another pass over the rows (column
 * selection tries dozens of subsets).
 */
export interface Gram {
  /** Columns that vary in the data, in the order of the matrices below. */
  used: { index: number; name: string }[];
  means: Float64Array;
  scales: Float64Array;
  /** Zᵀ Z of the standardized columns (p × p, row-major). */
  xtx: Float64Array;
  /** Zᵀ (y − ȳ). */
  xty: Float64Array;
  yMean: number;
  rows: number;
}

/**
 * Columns that do not vary in the data (no payment methods, no external score…)
 * are left out instead of blowing up the standardization.
 */
export function gramOf({ values, width, rows, columns, target }: Omit<RidgeInput, 'lambda'>): Gram {
  const used = columns.filter(({ index }) => {
    let min = Infinity;
    let max = -Infinity;
    for (let r = 0; r < rows; r++) {
      const v = values[r * width + index];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    // Relative test: a column that only varies by rounding noise would get a
    // near-zero scale and explode on the first real-world value.
    return max - min > 1e-6 * (1 + Math.abs(max) + Math.abs(min));
  });
  const p = used.length;
  const means = new Float64Array(p);
  const scales = new Float64Array(p);
  let yMean = 0;
  for (let r = 0; r < rows; r++) yMean += target[r];
  yMean /= rows || 1;
  used.forEach(({ index }, j) => {
    let s = 0;
    let s2 = 0;
    for (let r = 0; r < rows; r++) {
      const v = values[r * width + index];
      s += v;
      s2 += v * v;
    }
    means[j] = s / rows;
    scales[j] = Math.sqrt(Math.max(s2 / rows - means[j] * means[j], 1e-12));
  });
  const xtx = new Float64Array(p * p);
  const xty = new Float64Array(p);
  const z = new Float64Array(p);
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    for (let j = 0; j < p; j++) z[j] = (values[base + used[j].index] - means[j]) / scales[j];
    const y = target[r] - yMean;
    for (let i = 0; i < p; i++) {
      xty[i] += z[i] * y;
      for (let j = 0; j <= i; j++) xtx[i * p + j] += z[i] * z[j];
    }
  }
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) xtx[j * p + i] = xtx[i * p + j];
  return { used, means, scales, xtx, xty, yMean, rows };
}

/** Ridge solution on a subset of the Gram's columns (positions in `gram.used`; default all). */
export function solveRidge(gram: Gram, lambda: number, subset: readonly number[] = gram.used.map((_, j) => j)): LinearModel {
  const p = gram.used.length;
  const q = subset.length;
  const a = new Float64Array(q * q);
  const b = new Float64Array(q);
  for (let i = 0; i < q; i++) {
    b[i] = gram.xty[subset[i]];
    for (let j = 0; j < q; j++) a[i * q + j] = gram.xtx[subset[i] * p + subset[j]];
    a[i * q + i] += lambda * gram.rows;
  }
  const weights = q ? solveSpd(a, b, q) : new Float64Array(0);
  return {
    names: subset.map((j) => gram.used[j].name),
    columns: subset.map((j) => gram.used[j].index),
    means: subset.map((j) => gram.means[j]),
    scales: subset.map((j) => gram.scales[j]),
    weights: [...weights],
    intercept: gram.yMean,
  };
}

/** Ridge regression on every usable column. */
export function fitRidge(input: RidgeInput): LinearModel {
  return solveRidge(gramOf(input), input.lambda);
}

/**
 * Standardized values are clipped: a linear model must not extrapolate a value
 * far outside anything seen in training (a 40× usual amount) into a date years away.
 */
export const MAX_STANDARDIZED = 6;

function standardized(model: LinearModel, row: Float64Array, j: number): number {
  const z = (row[model.columns[j]] - model.means[j]) / model.scales[j];
  return z > MAX_STANDARDIZED ? MAX_STANDARDIZED : z < -MAX_STANDARDIZED ? -MAX_STANDARDIZED : z;
}

export function predictLinear(model: LinearModel, row: Float64Array): number {
  let s = model.intercept;
  for (let j = 0; j < model.columns.length; j++) s += model.weights[j] * standardized(model, row, j);
  return s;
}

/** Contribution of each column to the prediction, relative to the training average row. */
export function contributions(model: LinearModel, row: Float64Array, out: Float64Array = new Float64Array(model.columns.length)): Float64Array {
  for (let j = 0; j < model.columns.length; j++) out[j] = model.weights[j] * standardized(model, row, j);
  return out;
}
