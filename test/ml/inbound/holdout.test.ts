import { describe, expect, it } from 'vitest';
import { trainingCorpus } from '../../../src/ml/inbound/model.js';
import { shouldAutoReply } from '../../../src/ml/inbound/evaluation/evaluateTriage.js';
import { INBOUND_TYPES, LANGUAGES, SENTIMENTS } from '../../../src/ml/inbound/types.js';
import { holdout2Emails, holdout3Emails, holdoutEmails, type HoldoutEmail } from '../../../training/inbound/datasets.js';

let corpusSentences: Set<string> | null = null;
const sentences = (text: string) => text.split(/(?<=[.!?])\s+|\n+/).map((s) => s.trim().toLowerCase()).filter((s) => s.length > 30 && !/^(-|(de|from|objet|subject|date|to|à) ?:)/.test(s));

/** Sentences of a hand-written set that the generator also writes (a leak into training). */
function sharedWithCorpus(set: readonly HoldoutEmail[]): string[] {
  corpusSentences ??= new Set(trainingCorpus({ n: 4000 }).flatMap((e) => sentences(e.body)));
  const generated = corpusSentences;
  return set.flatMap((e) => sentences(e.body)).filter((s) => generated.has(s));
}

// The hold-out sets are our yardstick for phrasings nobody wrote into the
// generator: their labels must be usable and they must stay out of training.
describe.each([
  { name: 'the hand-written hold-out set', emails: holdoutEmails(), size: 150, perLanguageAndType: 7 },
  { name: 'the second hand-written hold-out set', emails: holdout2Emails(), size: 120, perLanguageAndType: 4 },
  { name: 'the third hand-written hold-out set', emails: holdout3Emails(), size: 120, perLanguageAndType: 4 },
])('$name', ({ emails, size, perLanguageAndType }) => {
  it('covers every type in both languages with valid labels', () => {
    expect(emails.length).toBeGreaterThanOrEqual(size);
    for (const language of LANGUAGES) {
      for (const type of INBOUND_TYPES) expect(emails.filter((e) => e.language === language && e.type === type).length).toBeGreaterThanOrEqual(perLanguageAndType);
    }
    for (const type of INBOUND_TYPES) expect(emails.filter((e) => e.type === type).length).toBeGreaterThanOrEqual(8);
    for (const e of emails) {
      expect(LANGUAGES).toContain(e.language);
      expect(SENTIMENTS).toContain(e.sentiment);
      expect(e.body.trim().length).toBeGreaterThan(0);
      for (const t of e.secondaryTypes) expect(INBOUND_TYPES.filter((x) => x !== e.type)).toContain(t);
    }
  });

  it('labels auto-reply eligibility by the same rule the evaluation scores', () => {
    for (const e of emails) expect(e.autoReplyOk, e.body).toBe(shouldAutoReply(e));
  });

  it('shares no sentence with the generated training corpus', () => {
    expect(sharedWithCorpus(emails)).toEqual([]);
  });
});

it('keeps a late batch of the first hold-out, written after the corpus work', () => {
  expect(holdoutEmails().filter((e) => e.batch === 'late').length).toBeGreaterThanOrEqual(40);
});
