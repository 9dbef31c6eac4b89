// Printing helpers shared by the inbound training and evaluation scripts.
import { classificationReport, formatReport } from '../../src/ml/inbound/evaluation/metrics.js';
import { evaluateTriage, type TriageEvaluation } from '../../src/ml/inbound/evaluation/evaluateTriage.js';
import { INBOUND_TYPES, type LabeledEmail } from '../../src/ml/inbound/types.js';

export function section(title: string): void {
  console.log(`\n=== ${title} ===`);
}

export function printTriage(name: string, evaluation: TriageEvaluation): void {
  section(name);
  console.log(formatReport(evaluation.type, `${name} · type`));
  console.log(formatReport(evaluation.sentiment, `${name} · sentiment`));
  const a = evaluation.autoReply;
  console.log(
    `${name} · auto-reply: flagged ${a.flagged}, wrong ${a.wrong}, precision ${(a.precision * 100).toFixed(1)} %, recall ${(a.recall * 100).toFixed(1)} % of ${a.eligible} eligible; ` +
      `language accuracy ${(evaluation.language.accuracy * 100).toFixed(1)} %; secondary-type F1 ${(evaluation.secondaryF1 * 100).toFixed(1)} %`,
  );
}

/** The emails a model got wrong, for a person to read. */
export function printErrors(data: readonly LabeledEmail[], evaluation: TriageEvaluation, limit = 20): void {
  let shown = 0;
  data.forEach((e, i) => {
    const p = evaluation.predictions[i];
    const wrongType = p.type !== e.type;
    const wrongSentiment = p.sentiment.label !== e.sentiment;
    if ((!wrongType && !wrongSentiment) || shown++ >= limit) return;
    const what = [wrongType ? `type ${e.type} → ${p.type} (${p.typeConfidence.toFixed(2)})` : '', wrongSentiment ? `sentiment ${e.sentiment} → ${p.sentiment.label}` : '']
      .filter(Boolean)
      .join('; ');
    console.log(`  ✗ ${what}: ${JSON.stringify(e.body.replace(/\s+/g, ' ').slice(0, 110))}`);
  });
}

/** Type macro-F1 and sentiment accuracy on the emails of one batch of a set. */
export function batchScores(data: ReadonlyArray<LabeledEmail & { batch?: string }>, evaluation: TriageEvaluation, batch: string) {
  const rows = data.map((e, i) => [e, evaluation.predictions[i]] as const).filter(([e]) => e.batch === batch);
  const type = classificationReport(INBOUND_TYPES, rows.map(([e]) => e.type), rows.map(([, p]) => p.type));
  const sentimentAccuracy = rows.length ? rows.filter(([e, p]) => e.sentiment === p.sentiment.label).length / rows.length : 0;
  return { n: rows.length, macroF1: type.macroF1, accuracy: type.accuracy, sentimentAccuracy };
}

export const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Scores a hand-written set, prints its report and the emails it got wrong. */
export function evaluateSet(models: Parameters<typeof evaluateTriage>[0], name: string, data: readonly LabeledEmail[], errorLimit = 60): TriageEvaluation {
  const evaluation = evaluateTriage(models, data);
  printTriage(name, evaluation);
  printErrors(data, evaluation, errorLimit);
  return evaluation;
}

/** A set's figures for the final JSON line, under keys prefixed by the set's name. */
export function setFigures(prefix: string, e: TriageEvaluation): Record<string, number> {
  return {
    [`${prefix}MacroF1`]: round3(e.type.macroF1),
    [`${prefix}SentimentAccuracy`]: round3(e.sentiment.accuracy),
    [`${prefix}AutoReplyPrecision`]: round3(e.autoReply.precision),
    [`${prefix}AutoReplyRecall`]: round3(e.autoReply.recall),
    [`${prefix}AutoReplyFlagged`]: e.autoReply.flagged,
  };
}
