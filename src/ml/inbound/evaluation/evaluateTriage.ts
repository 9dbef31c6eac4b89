// Scores a labelled set end to end through scoreInbound: type, sentiment,
// language and the auto-reply decision, as the endpoint would answer.
import type { Metrics } from '../../model.js';
import { isAutoReplyType } from '../autoReply.js';
import { scoreInbound, type InboundModels, type InboundTriage } from '../score.js';
import { INBOUND_TYPES, LANGUAGES, SENTIMENTS, type LabeledEmail } from '../types.js';
import { classificationReport, type ClassificationReport } from './metrics.js';

/**
 * Ground truth for "may be answered automatically": a simple request, calm,
 * without a dispute or payment plan riding along, without legal threats.
 */
export function shouldAutoReply(email: LabeledEmail & { legalThreat?: boolean }): boolean {
  return (
    isAutoReplyType(email.type) &&
    email.sentiment !== 'negative' &&
    !email.legalThreat &&
    !email.secondaryTypes.some((t) => t === 'dispute' || t === 'payment_plan')
  );
}

export interface TriageEvaluation {
  type: ClassificationReport;
  sentiment: ClassificationReport;
  language: ClassificationReport;
  autoReply: { precision: number; recall: number; flagged: number; eligible: number; wrong: number };
  secondaryF1: number;
  metrics: Metrics;
  predictions: InboundTriage[];
}

export function evaluateTriage(models: InboundModels, data: ReadonlyArray<LabeledEmail & { legalThreat?: boolean }>): TriageEvaluation {
  const predictions = data.map((e) => scoreInbound(e, null, models));
  const type = classificationReport(INBOUND_TYPES, data.map((e) => e.type), predictions.map((p) => p.type));
  const sentiment = classificationReport(SENTIMENTS, data.map((e) => e.sentiment), predictions.map((p) => p.sentiment.label));
  const language = classificationReport(LANGUAGES, data.map((e) => e.language), predictions.map((p) => p.language));
  let flagged = 0;
  let correctFlags = 0;
  let eligible = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  data.forEach((e, i) => {
    const p = predictions[i];
    const truth = shouldAutoReply(e);
    if (truth) eligible++;
    if (p.autoReply.eligible) {
      flagged++;
      // Right only if it should be answered and would be answered with the right template.
      if (truth && p.type === e.type) correctFlags++;
    }
    const want = new Set(e.secondaryTypes);
    for (const t of p.secondaryTypes) (want.has(t) ? tp++ : fp++);
    for (const t of want) if (!p.secondaryTypes.includes(t)) fn++;
  });
  const autoReply = {
    precision: flagged ? correctFlags / flagged : 1,
    recall: eligible ? correctFlags / eligible : 0,
    flagged,
    eligible,
    wrong: flagged - correctFlags,
  };
  const secondaryF1 = tp ? (2 * tp) / (2 * tp + fp + fn) : 0;
  const metrics: Metrics = {
    macroF1: type.macroF1,
    typeAccuracy: type.accuracy,
    sentimentAccuracy: sentiment.accuracy,
    sentimentMacroF1: sentiment.macroF1,
    languageAccuracy: language.accuracy,
    autoReplyPrecision: autoReply.precision,
    autoReplyRecall: autoReply.recall,
    autoReplyFlagged: flagged,
    secondaryF1,
    n: data.length,
  };
  return { type, sentiment, language, autoReply, secondaryF1, metrics, predictions };
}
