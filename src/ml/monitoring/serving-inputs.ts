// The serving reference of a model whose inputs are not a feature row (a
// customer's history, its reminders, its invoices and offers): each input
// summed up as one row of named values, the same function at training (the
// reference, serving-features.json) and at each rescoring (the tally), so the
// two sides cannot drift apart by being featured differently.
import { addDays } from '../payment-delay/dates.js';
import type { FeatureColumns, FeatureValue } from './histogram.js';

/**
 * Days before the data's last day on which the reference is taken: weekly
 * over a month, so the reference is no one day's book (invoices fall due at
 * month-ends), yet close to when the version went into service.
 */
export const SERVING_SNAPSHOTS = [0, 7, 14, 21, 28];

export interface ServingInputs<D, I> {
  /** Names of the values of `row`, in its order. */
  columns: readonly string[];
  /** One input as a rescoring scores it, summed up. */
  row(input: I): ArrayLike<FeatureValue>;
  /** The newest day of a holdout; null when it holds nothing to date. */
  lastDay(data: D): string | null;
  /** The holdout's inputs as a rescoring on `day` would build them. */
  inputsOn(data: D, day: string): I[];
}

/** The reference's columns: every input of the holdout on each snapshot day, summed up by `row`. */
export function servingColumns<D, I>(inputs: ServingInputs<D, I>, data: D): FeatureColumns {
  const last = inputs.lastDay(data);
  if (last === null) return {};
  const columns: FeatureValue[][] = inputs.columns.map(() => []);
  for (const back of SERVING_SNAPSHOTS) {
    for (const input of inputs.inputsOn(data, addDays(last, -back))) {
      const row = inputs.row(input);
      for (let c = 0; c < columns.length; c++) columns[c].push(row[c]);
    }
  }
  return Object.fromEntries(inputs.columns.map((name, c) => [name, columns[c]]));
}
