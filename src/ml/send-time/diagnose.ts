// What the send-time report plots beside its metrics: the off-policy
// response-rate uplift of the recommended hours in each segment, each segment
// valued against its own logged send hours.
import type { Artifact } from '../model.js';
import { groupBy } from '../../util/collections.js';
import type { BySegment, Evaluation } from '../reports/types.js';
import { sendTimeEvaluation, type SendTimeDataset } from './model.js';
import { offPolicyUplift } from './off-policy.js';
import { SendTimePredictor } from './predictor.js';
import { sendTimeState } from './state.js';

/** Fewer reminders than this in a segment's log give an uplift too noisy to plot. */
const MIN_SEGMENT_SENDS = 50;

export async function diagnoseSendTime(artifact: Artifact, data: SendTimeDataset): Promise<Evaluation> {
  const { metrics, log, best } = sendTimeEvaluation(new SendTimePredictor(sendTimeState(artifact)), data);
  const bySegment = groupBy(log, (s) => data.customers[s.customer].segment ?? 'unknown');
  const segments: BySegment['segments'] = [];
  for (const [segment, sends] of bySegment) {
    if (sends.length < MIN_SEGMENT_SENDS) continue;
    const estimate = offPolicyUplift(sends, best, (s) => (s.humanResponse ? 1 : 0));
    if (Number.isFinite(estimate.uplift)) segments.push({ segment, value: estimate.uplift * 100, n: sends.length });
  }
  return { metrics, diagnostics: segments.length ? { bySegment: { metric: 'response-rate uplift (points)', segments } } : undefined };
}
