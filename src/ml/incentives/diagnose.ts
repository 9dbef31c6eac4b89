// What the incentives report plots beside its metrics: the lever the platform
// used against the one the model recommends, at each evaluated decision, and
// the days-equivalent the model saves per decision in each segment
// (doubly-robust value of the policy against the logged one).
import type { Artifact } from '../model.js';
import type { BySegment, Evaluation } from '../reports/types.js';
import { groupBy } from '../../util/collections.js';
import { incentiveEvaluation, IncentivePredictor, type IncentiveDataset } from './model.js';
import { doublyRobustValue, loggedValue } from './policy-value.js';
import { incentiveState } from './state.js';
import { ACTIONS } from './types.js';

/** Fewer decisions than this in a segment give a value too noisy to plot. */
const MIN_SEGMENT_DECISIONS = 30;

export async function diagnoseIncentives(artifact: Artifact, data: IncentiveDataset): Promise<Evaluation> {
  const predictor = new IncentivePredictor(incentiveState(artifact));
  const { metrics, terms } = incentiveEvaluation(predictor, data);
  if (terms.length === 0) return { metrics };
  const classes = [...ACTIONS];
  const counts = classes.map(() => classes.map(() => 0));
  for (const t of terms) counts[classes.indexOf(t.decision.action)][classes.indexOf(predictor.policyAt(t))]++;
  const w = predictor.objectiveWeights();
  const bySegment = groupBy(terms, (t) => t.decision.context.segment);
  const segments: BySegment['segments'] = [];
  for (const [segment, own] of bySegment) {
    if (own.length < MIN_SEGMENT_DECISIONS) continue;
    const gain = loggedValue(own, w).objective - doublyRobustValue(own, (t) => predictor.policyAt(t), w).objective;
    if (Number.isFinite(gain)) segments.push({ segment, value: gain, n: own.length });
  }
  return {
    metrics,
    diagnostics: {
      confusion: { classes, counts, rows: 'lever logged', columns: 'lever recommended' },
      ...(segments.length ? { bySegment: { metric: 'days saved per decision', segments } } : {}),
    },
  };
}
