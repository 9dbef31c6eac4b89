// What the drift report plots: how the score ranks the customers who then paid
// later (ROC, precision-recall; the score is no probability), the same AUC per
// segment, and the share of customers each signal flags.
import type { Artifact } from '../model.js';
import { groupBy } from '../../util/collections.js';
import { auc } from '../payment-delay/metrics.js';
import type { BySegment, Evaluation } from '../reports/types.js';
import { driftMetrics, driftState, DriftPredictor, type DriftDataset } from './model.js';
import { DRIFT_KINDS } from './types.js';

const MIN_SEGMENT_CUSTOMERS = 20;

function aucBySegment(score: number[], label: boolean[], segment: string[]): BySegment {
  const groups = groupBy(segment.map((_, i) => i), (i) => segment[i]);
  const segments = [...groups]
    // An AUC needs both outcomes, and a few of each to mean anything.
    .filter(([, rows]) => rows.length >= MIN_SEGMENT_CUSTOMERS && rows.some((i) => label[i]) && rows.some((i) => !label[i]))
    .map(([name, rows]) => ({ segment: name, value: auc(rows.map((i) => score[i]), rows.map((i) => label[i])), n: rows.length }));
  return { metric: 'AUC of the drift score', segments };
}

export async function diagnoseDrift(artifact: Artifact, data: DriftDataset): Promise<Evaluation> {
  const predictor = new DriftPredictor(driftState(artifact));
  const assessed = data.examples.map((e) => predictor.assess(e.history));
  const metrics = driftMetrics(assessed, data);
  for (const kind of DRIFT_KINDS) {
    metrics[`flagRate_${kind}`] = assessed.length ? assessed.filter((a) => a.signals[kind].flag).length / assessed.length : 0;
  }
  const withOutcome = data.examples.every((e) => e.outcome !== undefined);
  if (!withOutcome || assessed.length === 0) return { metrics };
  const score = assessed.map((a) => a.score);
  const label = data.examples.map((e) => !!e.outcome);
  return {
    metrics,
    diagnostics: {
      scores: { score, label, positive: 'customers who then paid later than usual', probability: false },
      bySegment: aucBySegment(score, label, data.examples.map((e) => e.history.segment ?? 'unknown')),
    },
  };
}
