// One customer's drift assessment: the four signals on the history as known on
// asOf, combined into one score with readable reasons.
import type { Prediction, Reason } from '../model.js';
import type { DriftConfig } from './config.js';
import { prepareHistory } from './prepare.js';
import { priorFor, type FittedPriors } from './prior.js';
import { detectDelayCreep } from './signals/delay.js';
import { detectDisputeSpike } from './signals/dispute.js';
import { detectEngagementDrop } from './signals/engagement.js';
import { detectMethodShift } from './signals/method.js';
import { combineScores } from './signals/score.js';
import { DRIFT_KINDS, type CustomerHistory, type DriftAssessment, type DriftKind, type DriftSignals } from './types.js';

export function assessDrift(history: CustomerHistory, priors: FittedPriors, config: DriftConfig): DriftAssessment {
  const prior = history.prior ?? priorFor(priors, history.segment);
  const p = prepareHistory(history, config);
  const signals: DriftSignals = {
    delay_creep: detectDelayCreep(p.delays, prior, config),
    method_shift: detectMethodShift(p.payments, prior, config),
    engagement_drop: detectEngagementDrop(p.reminders, prior, config),
    dispute_spike: detectDisputeSpike(p.disputes, prior, config),
  };
  const kinds = DRIFT_KINDS.filter((k) => signals[k].flag).sort((a, b) => signals[b].score - signals[a].score);
  const alert = kinds.length > 0;
  let changeDate: string | null = null;
  for (const k of kinds) {
    const d = signals[k].changeDate;
    if (d && (!changeDate || d < changeDate)) changeDate = d;
  }
  return {
    score: combineScores(
      DRIFT_KINDS.map((k) => signals[k].score),
      alert,
    ),
    alert,
    kinds,
    changeDate,
    signals,
  };
}

const LABEL: Record<DriftKind, string> = {
  delay_creep: 'Paying later',
  method_shift: 'Paying differently',
  engagement_drop: 'Ignoring reminders',
  dispute_spike: 'Disputing more',
};

/**
 * The assessment as the model interface's prediction: alerting signals first,
 * then the others by score. Confidence grows with the customer's own data and,
 * for an alert, with how far the evidence clears the threshold.
 */
export function toPrediction(a: DriftAssessment, config: DriftConfig): Prediction<DriftAssessment> {
  const order = [...DRIFT_KINDS].sort(
    (x, y) => Number(a.signals[y].flag) - Number(a.signals[x].flag) || a.signals[y].score - a.signals[x].score,
  );
  const reasons: Reason[] = order.map((k) => ({
    factor: k,
    text: a.signals[k].flag ? `${LABEL[k]}: ${a.signals[k].text}` : a.signals[k].text,
    weight: a.signals[k].score,
    value: a.signals[k].flag,
  }));
  const own = (k: DriftKind) => 1 - a.signals[k].segmentWeight;
  let confidence: number;
  if (a.alert) {
    confidence =
      a.kinds.reduce((s, k) => s + own(k) * Math.min(1, a.signals[k].evidence / (2 * config.evidenceThreshold[k])), 0) /
      a.kinds.length;
  } else {
    confidence = DRIFT_KINDS.reduce((s, k) => s + own(k), 0) / DRIFT_KINDS.length;
  }
  return { value: a, confidence: Math.max(0, Math.min(1, confidence)), reasons };
}
