// Input drift as served: each refresh's rescoring tallies what every model
// scores against the serving reference of its version (what it would have
// scored when the version went into service), and records one check per model
// and run. A check at retraining alone left weeks of scoring unwatched.
import type { Db } from '../db/sql.js';
import type { FeatureTally } from '../ml/monitoring/histogram.js';
import type { DriftCheck, InputMonitor } from '../ml/monitoring/monitor.js';
import type { ServingInputs } from '../ml/monitoring/serving-inputs.js';
import { driftServingInputs, incentiveServingInputs, sendTimeServingInputs } from '../ml/monitoring/customer-inputs.js';
import { rescore, type RescoreModels, type RescoreOptions, type RescoreResult, type ServedModel } from '../scoring/rescore.js';

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

interface Watch<I> {
  model: string;
  served: string;
  tally: FeatureTally;
  see(input: I): void;
}

/** A tally of one served model's inputs, each summed up by `row`; null without a monitor, a served version, or its reference. */
async function watch<I>(
  monitor: InputMonitor | undefined, model: string, served: ServedModel<unknown> | undefined, inputs: Pick<ServingInputs<unknown, I>, 'columns' | 'row'>,
): Promise<Watch<I> | null> {
  const tally = monitor && served ? await monitor.servingTally(model, served.version, inputs.columns) : null;
  return tally && { model, served: served!.version, tally, see: (input) => tally.add(inputs.row(input)) };
}

/** A whole-book rescoring, with the inputs of every served model checked when a monitor is given and its version kept a reference. */
export async function rescoreWatchingInputs(
  db: Db,
  models: RescoreModels,
  monitor: InputMonitor | undefined,
  options: Omit<RescoreOptions, 'onDelayInputs' | 'onCustomerInputs' | 'customerIds'>,
): Promise<{ scoring: RescoreResult; inputDrift: InputDriftSummary[] }> {
  // The payment-delay model's inputs are already a feature row: the predictor's own, tallied as it is built.
  const delayRows = { columns: models.paymentDelay?.predictor.state.columns ?? [], row: (row: Float64Array) => row };
  const delay = await watch(monitor, 'payment-delay', models.paymentDelay, delayRows);
  const drift = await watch(monitor, 'drift', models.drift, driftServingInputs);
  const sendTime = await watch(monitor, 'send-time', models.sendTime, sendTimeServingInputs);
  const incentives = await watch(monitor, 'incentives', models.incentives, incentiveServingInputs);
  const scoring = await rescore(db, models, {
    ...options,
    onDelayInputs: delay?.see,
    onCustomerInputs: { drift: drift?.see, sendTime: sendTime?.see, incentives: incentives?.see },
  });
  const inputDrift: InputDriftSummary[] = [];
  for (const w of [delay, drift, sendTime, incentives]) {
    const check = w && (await monitor!.checkTally(w.model, w.served, w.tally, RESCORE_SOURCE));
    if (check) inputDrift.push(summary(check));
  }
  return { scoring, inputDrift };
}
