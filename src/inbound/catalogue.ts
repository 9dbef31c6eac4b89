// Inbound triage in the lifecycle. No public corpus of B2B collection emails
// exists, so the `corpus` dataset is the generated bilingual grammar: train on
// its training templates, compare champion and challenger on held-out
// templates (disjoint wording), both with fixed seeds.
import { defineEntry, fingerprintRows, type CatalogueEntry } from '../ml/registry/index.js';
import { inboundModel, inboundModelOnThreads, generateEmails, evaluateTriage, loadInboundModels } from '../ml/inbound/index.js';
import type { Artifact } from '../ml/model.js';
import type { Evaluation } from '../ml/reports/types.js';
import type { LabeledEmail } from '../ml/inbound/types.js';

export const INBOUND_MODEL = inboundModel.name;

/** The report's plots: types confused with each other, and each type's F1, on the holdout emails. */
export async function diagnoseInbound(artifact: Artifact, data: LabeledEmail[]): Promise<Evaluation> {
  const evaluation = evaluateTriage(await loadInboundModels(artifact), data);
  const { type } = evaluation;
  return {
    metrics: evaluation.metrics,
    diagnostics: {
      confusion: { classes: type.labels, counts: type.confusion },
      bySegment: { metric: 'F1 by type', segments: type.perClass.filter((c) => c.support > 0).map((c) => ({ segment: c.label, value: c.f1, n: c.support })) },
    },
  };
}

/** `threads`: worker threads that score for the API (0: on the event loop). */
export function inboundEntry(corpusSize = 6000, threads = 0): CatalogueEntry {
  return defineEntry({
    kind: inboundModelOnThreads(threads),
    description: 'Type, sentiment, priority and auto-reply eligibility of inbound customer emails (French and English)',
    diagnose: diagnoseInbound,
    // The corpus is generated from fixed seeds: it has no dates.
    window: { from: false, to: false },
    datasets: {
      corpus: async () => {
        const train = generateEmails({ n: corpusSize, seed: 20240601, split: 'train' });
        const holdout = generateEmails({ n: Math.ceil(corpusSize / 4), seed: 20241601, split: 'heldout' });
        return { train, holdout, fingerprint: fingerprintRows(train.map((e) => `${e.subject}\n${e.body}`)) };
      },
    },
  });
}
