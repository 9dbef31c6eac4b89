// What the send-time report plots beside its metrics: the off-policy
// response-rate uplift of the recommended hours in each segment, each segment
// valued against its own logged send hours.
import type { Artifact } from '../model.js';
import type { BySegment, Evaluation } from '../reports/types.js';
import { evaluateSendTime, type SendTimeDataset } from './model.js';
import { offPolicyUplift, sendsAfterAsOf } from './off-policy.js';
import { SendTimePredictor } from './predictor.js';
import { sendTimeState } from './state.js';

/** Fewer reminders than this in a segment's log give an uplift too noisy to plot. */
const MIN_SEGMENT_SENDS = 50;

export async function diagnoseSendTime(artifact: Artifact, data: SendTimeDataset): Promise<Evaluation> {
  const predictor = new SendTimePredictor(sendTimeState(artifact));
  const metrics = evaluateSendTime(predictor, data);
  const { config, defaultTimezone } = predictor.state;
  const best = data.customers.map((c) => predictor.detail(c).recommendation.bestHour);
  const log = data.customers.flatMap((c, i) => sendsAfterAsOf(c, i, config, defaultTimezone, data.logEnd ?? null));
  const bySegment = new Map<string, typeof log>();
  for (const s of log) {
    const segment = data.customers[s.customer].segment ?? 'unknown';
    bySegment.set(segment, [...(bySegment.get(segment) ?? []), s]);
  }
  const segments: BySegment['segments'] = [];
  for (const [segment, sends] of bySegment) {
    if (sends.length < MIN_SEGMENT_SENDS) continue;
    const estimate = offPolicyUplift(sends, (i) => best[i], (s) => (s.humanResponse ? 1 : 0));
    if (Number.isFinite(estimate.uplift)) segments.push({ segment, value: estimate.uplift * 100, n: sends.length });
  }
  return { metrics, diagnostics: segments.length ? { bySegment: { metric: 'response-rate uplift (points)', segments } } : undefined };
}
