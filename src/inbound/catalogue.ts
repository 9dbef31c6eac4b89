// Inbound triage in the lifecycle. No public corpus of B2B collection emails
// exists, so the `corpus` dataset is the generated bilingual grammar: train on
// its training templates, compare champion and challenger on held-out
// templates (disjoint wording), both with fixed seeds.
import { defineEntry, fingerprintRows, type CatalogueEntry } from '../ml/registry/index.js';
import { inboundModel, inboundModelOnThreads, generateEmails } from '../ml/inbound/index.js';

export const INBOUND_MODEL = inboundModel.name;

/** `threads`: worker threads that score for the API (0: on the event loop). */
export function inboundEntry(corpusSize = 6000, threads = 0): CatalogueEntry {
  return defineEntry({
    kind: inboundModelOnThreads(threads),
    description: 'Type, sentiment, priority and auto-reply eligibility of inbound customer emails (French and English)',
    datasets: {
      corpus: async () => {
        const train = generateEmails({ n: corpusSize, seed: 20240601, split: 'train' });
        const holdout = generateEmails({ n: Math.ceil(corpusSize / 4), seed: 20241601, split: 'heldout' });
        return { train, holdout, fingerprint: fingerprintRows(train.map((e) => `${e.subject}\n${e.body}`)) };
      },
    },
  });
}
