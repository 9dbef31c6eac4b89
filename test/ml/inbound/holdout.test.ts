import { describe, expect, it } from 'vitest';
import { trainingCorpus } from '../../../src/ml/inbound/model.js';
import { shouldAutoReply } from '../../../src/ml/inbound/evaluation/evaluateTriage.js';
import { INBOUND_TYPES, LANGUAGES, SENTIMENTS } from '../../../src/ml/inbound/types.js';
import { holdoutEmails } from '../../../training/inbound/datasets.js';

// The hold-out set is our yardstick for phrasings nobody wrote into the
// generator: its labels must be usable and it must stay out of training.
describe('the hand-written hold-out set', () => {
  const holdout = holdoutEmails();

  it('covers every type in both languages with valid labels', () => {
    expect(holdout.length).toBeGreaterThanOrEqual(150);
    expect(holdout.filter((e) => e.batch === 'late').length).toBeGreaterThanOrEqual(40);
    for (const language of LANGUAGES) {
      for (const type of INBOUND_TYPES) expect(holdout.filter((e) => e.language === language && e.type === type).length).toBeGreaterThanOrEqual(7);
    }
    for (const e of holdout) {
      expect(SENTIMENTS).toContain(e.sentiment);
      expect(e.body.trim().length).toBeGreaterThan(0);
      for (const t of e.secondaryTypes) expect(INBOUND_TYPES.filter((x) => x !== e.type)).toContain(t);
    }
  });

  it('labels auto-reply eligibility by the same rule the evaluation scores', () => {
    for (const e of holdout) expect(e.autoReplyOk, e.body).toBe(shouldAutoReply(e));
  });

  it('shares no sentence with the generated training corpus', () => {
    const sentences = (text: string) => text.split(/(?<=[.!?])\s+|\n+/).map((s) => s.trim().toLowerCase()).filter((s) => s.length > 30 && !/^(-|(de|from|objet|subject|date|to|à) ?:)/.test(s));
    const generated = new Set(trainingCorpus({ n: 4000 }).flatMap((e) => sentences(e.body)));
    const shared = holdout.flatMap((e) => sentences(e.body)).filter((s) => generated.has(s));
    expect(shared).toEqual([]);
  });
});
