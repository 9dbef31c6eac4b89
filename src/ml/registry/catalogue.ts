// The model catalogue: every model the lifecycle (training, registry, serving,
// reports, monitoring) knows, by the name used in the CLI, the API and the
// database, with the datasets it can be trained on.
//
// To add a model: write its ModelKind (src/ml/<model>/), then an entry here
// with `defineEntry({ kind, description, datasets })`; the optional hooks
// (diagnose, features, inputFeatures) give it report plots and drift
// monitoring (see entries/payment-delay.ts). To add a dataset: a loader
// `(window) => Promise<{ train, holdout, fingerprint }>` under `datasets`.
// Loaders that read evaluation files outside the service (the IBM sample...)
// belong to training/cli/datasets.ts, which extends this catalogue for the CLI.
import type { PaymentDelayDataset } from '../payment-delay/evaluation.js';
import { paymentDelayEntry } from './entries/payment-delay.js';
import type { Catalogue, CatalogueEntry, DatasetLoader } from './types.js';

export const catalogue: Catalogue = {
  // The database loader (settled invoices of the window, chronological holdout) comes with the scoring pipeline.
  'payment-delay': paymentDelayEntry({} as Record<string, DatasetLoader<PaymentDelayDataset>>),
};

/** A copy of `base` where `model` gains `datasets` (later names win). */
export function withDatasets(base: Catalogue, model: string, datasets: Record<string, DatasetLoader<any>>): Catalogue {
  const entry = base[model];
  if (!entry) throw new Error(`withDatasets: "${model}" is not in the catalogue`);
  const extended: CatalogueEntry = { ...entry, datasets: { ...entry.datasets, ...datasets } };
  return { ...base, [model]: extended };
}
