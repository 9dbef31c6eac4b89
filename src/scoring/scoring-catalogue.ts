// The models the rescoring serves, trained on the service's own database: the
// lifecycle's catalogue with a `db` dataset first (so the default), without
// the inbound triage (src/scoring/catalogue.ts adds it).
import type { Db } from '../db/sql.js';
import { catalogue as baseCatalogue, defineEntry, type Catalogue } from '../ml/registry/index.js';
import { driftModel, driftState, DriftSettings } from '../ml/drift/index.js';
import { diagnoseDrift } from '../ml/drift/diagnose.js';
import { sendTimeModel } from '../ml/send-time/index.js';
import { diagnoseSendTime } from '../ml/send-time/diagnose.js';
import { incentiveModel } from '../ml/incentives/index.js';
import { diagnoseIncentives } from '../ml/incentives/diagnose.js';
import { servingColumns } from '../ml/monitoring/serving-inputs.js';
import { driftServingInputs, incentiveServingInputs, sendTimeServingInputs } from '../ml/monitoring/customer-inputs.js';
import { paymentDelayDataset, driftDataset, sendTimeDataset, incentiveDataset } from './datasets.js';

// Baselines and logged decisions need every past invoice: these models read all history up to `to`.
const ALL_HISTORY_BEFORE_TO = { from: false, to: true };

export const today = (): string => new Date().toISOString().slice(0, 10);

/**
 * The models the rescoring serves, without the inbound triage: loading the
 * triage's code (TensorFlow.js and its corpora) takes some 185 MB, which a
 * process that only rescores (the rescore bench) has no use for.
 */
export function scoringCatalogue(db: Db, asOf: () => string = today): Catalogue {
  const delay = baseCatalogue['payment-delay'];
  return {
    ...baseCatalogue,
    'payment-delay': { ...delay, datasets: { db: (window) => paymentDelayDataset(db, asOf(), window), ...delay.datasets } },
    drift: defineEntry({
      kind: driftModel,
      description: 'Whose payment behaviour is changing: delays, payment method, engagement with reminders, disputes',
      datasets: { db: (window) => driftDataset(db, window.to ?? asOf()) },
      window: ALL_HISTORY_BEFORE_TO,
      diagnose: diagnoseDrift,
      servingFeatures: (_artifact, data) => servingColumns(driftServingInputs, data),
      settings: { schema: DriftSettings, of: (artifact) => driftState(artifact).settings ?? {} },
    }),
    'send-time': defineEntry({
      kind: sendTimeModel,
      description: "The hour, in each customer's time zone, when reminders get a person's answer",
      datasets: { db: (window) => sendTimeDataset(db, window.to ?? asOf()) },
      window: ALL_HISTORY_BEFORE_TO,
      diagnose: diagnoseSendTime,
      servingFeatures: (_artifact, data) => servingColumns(sendTimeServingInputs, data),
    }),
    incentives: defineEntry({
      kind: incentiveModel,
      description: 'Which lever (discount, late penalty, card link, agency, termination) or none, for whom and when',
      datasets: { db: (window) => incentiveDataset(db, window.to ?? asOf()) },
      window: ALL_HISTORY_BEFORE_TO,
      diagnose: diagnoseIncentives,
      servingFeatures: (_artifact, data) => servingColumns(incentiveServingInputs, data),
    }),
  };
}
