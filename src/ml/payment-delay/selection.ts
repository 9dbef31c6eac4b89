// Which feature groups the location regression uses, chosen on a later slice of
// the training period (forward selection on a chronological hold-out). On a
// small book most history features repeat the customer effect and only add
// variance; on a large one they earn their place. Only training invoices are
// ever looked at.
//
// A hold-out of a few hundred invoices is noisy, so every choice follows a
// standard-error rule: the richer model must beat the simpler one by more than
// SE_MULTIPLE standard errors of the paired difference in squared errors.
import { gramOf, predictLinear, solveRidge, type Gram } from './linear.js';
import type { FeatureTable } from './features.js';

/** Feature columns that tell one story and enter or leave the model together. */
export interface ColumnGroup {
  name: string;
  columns: readonly string[];
}

export interface ColumnSelection {
  /** Groups kept, in the order they were added (the core group first). */
  groups: string[];
  /** RMSE of the payment offset on the hold-out: core group alone, then the chosen model (days). */
  holdOutRmseCore: number;
  holdOutRmse: number;
  holdOutRows: number;
}

/**
 * How many standard errors a gain must clear. One (the textbook rule) lets a
 * pure-noise group in about one time in six, and a dozen groups are tried at
 * every step; two keeps that near one in forty per try.
 */
export const SE_MULTIPLE = 2;

export interface HoldOut {
  train: FeatureTable;
  trainTarget: Float64Array;
  test: FeatureTable;
  testTarget: Float64Array;
  /** Ridge penalty of the regression (on standardized weights, per row). */
  lambda: number;
}

/** Squared error of every hold-out row. */
function holdOutErrors(gram: Gram, positions: readonly number[], data: HoldOut): Float64Array {
  const model = solveRidge(gram, data.lambda, positions);
  const width = data.test.columns.length;
  const out = new Float64Array(data.test.rows);
  for (let r = 0; r < data.test.rows; r++) {
    const e = data.testTarget[r] - predictLinear(model, data.test.values.subarray(r * width, (r + 1) * width));
    out[r] = e * e;
  }
  return out;
}

const meanOf = (x: Float64Array): number => x.reduce((a, b) => a + b, 0) / Math.max(x.length, 1);

/** Whether `candidate` has lower squared errors than `incumbent` by more than SE_MULTIPLE standard errors of the paired difference. */
export function clearlyBetter(candidate: Float64Array, incumbent: Float64Array): boolean {
  const n = candidate.length;
  if (n < 2) return false;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const d = incumbent[i] - candidate[i];
    s += d;
    s2 += d * d;
  }
  const mean = s / n;
  const variance = Math.max(s2 / n - mean * mean, 0) * (n / (n - 1));
  return mean > SE_MULTIPLE * Math.sqrt(variance / n);
}

/**
 * Greedy forward selection: start from `core`, add the group that lowers the
 * hold-out error most while it clearly does. Deterministic.
 */
export function selectColumnGroups(data: HoldOut, core: ColumnGroup, candidates: readonly ColumnGroup[]): ColumnSelection {
  const columns = data.train.columns;
  const all = [core, ...candidates].flatMap((g) => g.columns).filter((name, i, a) => a.indexOf(name) === i);
  const gram = gramOf({
    values: data.train.values,
    width: columns.length,
    rows: data.train.rows,
    columns: all.map((name) => ({ name, index: columns.indexOf(name) })).filter((c) => c.index >= 0),
    target: data.trainTarget,
  });
  const positionsOf = (group: ColumnGroup): number[] =>
    group.columns.map((name) => gram.used.findIndex((c) => c.name === name)).filter((j) => j >= 0);

  const chosen = [core.name];
  let positions = positionsOf(core);
  const withGroup = (group: ColumnGroup): number[] => [...positions, ...positionsOf(group).filter((j) => !positions.includes(j))];
  const coreErrors = holdOutErrors(gram, positions, data);
  let best = coreErrors;
  const remaining = candidates.filter((g) => withGroup(g).length > positions.length);
  for (;;) {
    let pick = -1;
    let pickErrors = best;
    remaining.forEach((group, i) => {
      const errors = holdOutErrors(gram, withGroup(group), data);
      if (meanOf(errors) < meanOf(pickErrors) && clearlyBetter(errors, best)) {
        pick = i;
        pickErrors = errors;
      }
    });
    if (pick < 0) break;
    const [group] = remaining.splice(pick, 1);
    chosen.push(group.name);
    positions = withGroup(group);
    best = pickErrors;
  }

  return {
    groups: chosen,
    holdOutRmseCore: Math.sqrt(meanOf(coreErrors)),
    holdOutRmse: Math.sqrt(meanOf(best)),
    holdOutRows: data.test.rows,
  };
}
