// Input drift as served: each refresh's rescoring tallies the feature rows the
// payment-delay model scores against the serving reference of its version
// (the open book of the training data), and records one check per run. A
// check at retraining alone left weeks of scoring unwatched.
import type { Db } from '../db/sql.js';
import type { DriftCheck, ModelMonitor } from '../ml/monitoring/monitor.js';
import { rescore, type RescoreModels, type RescoreOptions, type RescoreResult } from '../scoring/rescore.js';

/** What the checks of rescorings are recorded as (GET /v1/models/:model/monitoring?source=rescore). */
export const RESCORE_SOURCE = 'rescore';

export interface InputDriftSummary {
  model: string;
  version: string;
  rows: number;
  maxPsi: number;
  alert: boolean;
  /** Features above the threshold, most moved first. */
  shifted: string[];
}

const summary = (c: DriftCheck): InputDriftSummary => ({
  model: c.model, version: c.version, rows: c.rows, maxPsi: c.maxPsi, alert: c.alert, shifted: c.features.filter((f) => f.alert).map((f) => f.feature),
});

/** A whole-book rescoring, with its input drift checked when a monitor is given and the served version kept a reference. */
export async function rescoreWatchingInputs(
  db: Db,
  models: RescoreModels,
  monitor: ModelMonitor | undefined,
  options: Omit<RescoreOptions, 'onDelayInputs' | 'customerIds'>,
): Promise<{ scoring: RescoreResult; inputDrift: InputDriftSummary | null }> {
  const served = models.paymentDelay;
  const tally = monitor && served ? await monitor.servingTally('payment-delay', served.version, served.predictor.state.columns) : null;
  const scoring = await rescore(db, models, { ...options, onDelayInputs: tally ? (row) => tally.add(row) : undefined });
  const check = tally ? await monitor!.checkTally('payment-delay', served!.version, tally, RESCORE_SOURCE) : null;
  return { scoring, inputDrift: check && summary(check) };
}
