// Evaluation through a catalogue entry, and dataset lookup: shared by the
// trainer, the train job and the evaluate CLI.
import { AR_ERR } from '../../errors.js';
import type { Artifact, TrainingWindow } from '../model.js';
import type { Evaluation } from '../reports/types.js';
import { fingerprintOf } from './fingerprint.js';
import type { CatalogueEntry, DatasetLoader, DatasetSplit } from './types.js';

/** The entry's detailed evaluation when it has one, the kind's metrics otherwise. */
export async function evaluateWith(entry: CatalogueEntry, artifact: Artifact, data: unknown): Promise<Evaluation> {
  if (entry.diagnose) return entry.diagnose(artifact, data);
  return { metrics: await entry.kind.evaluate(artifact, data) };
}

export function datasetNames(entry: CatalogueEntry): string[] {
  return Object.keys(entry.datasets);
}

/** The named dataset, or the entry's first one. */
export function datasetOf(model: string, entry: CatalogueEntry, name?: string | null): { name: string; loader: DatasetLoader<unknown> } {
  const names = datasetNames(entry);
  const chosen = name ?? names[0];
  if (!chosen || !Object.hasOwn(entry.datasets, chosen)) {
    throw AR_ERR.MODEL_DATASET_UNKNOWN([model, chosen ?? '(default)', names.join(', ') || '(none yet: add a loader in src/ml/registry/catalogue.ts)']);
  }
  return { name: chosen, loader: entry.datasets[chosen] };
}

export function holdoutFingerprintOf(split: DatasetSplit<unknown>): string {
  return split.holdoutFingerprint ?? fingerprintOf(split.holdout);
}

/** The window ends the entry's datasets honour: both unless it says otherwise. */
export function honouredEnds(entry: CatalogueEntry): { from: boolean; to: boolean } {
  return entry.window ?? { from: true, to: true };
}

/** Refuses an empty window, and a window end the model's datasets do not honour (see CatalogueEntry.window). */
export function checkWindow(model: string, entry: CatalogueEntry, window: TrainingWindow): void {
  if (window.from && window.to && window.from >= window.to) throw AR_ERR.VALIDATION([`the window is empty: from ${window.from} is not before to ${window.to}`]);
  const honoured = honouredEnds(entry);
  const refused = (['from', 'to'] as const).filter((end) => window[end] && !honoured[end]);
  if (refused.length === 0) return;
  const learns = honoured.to ? 'from all its history before `to`' : 'from a fixed corpus';
  throw AR_ERR.VALIDATION([`${model} learns ${learns}: ${refused.map((end) => `\`${end}\``).join(' and ')} cannot be set`]);
}
