// The scoring path reads messages with shortcuts (letter codes instead of
// n-gram strings, one pass instead of nine); these tests pin that each
// shortcut gives what the plain definition gives.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateEmails } from '../../../src/ml/inbound/corpus/index.js';
import { DEFAULT_NGRAMS, ngramCounts, type NgramOptions } from '../../../src/ml/inbound/features/ngrams.js';
import { Vectorizer, buildVocabulary } from '../../../src/ml/inbound/features/vocabulary.js';
import { gramsOf, loadLanguageDetector, trainLanguageDetector } from '../../../src/ml/inbound/models/language.js';
import { foldText } from '../../../src/ml/inbound/text/normalize.js';
import { prepareMessage, type PreparedMessage } from '../../../src/ml/inbound/text/prepare.js';
import { INBOUND_TYPES, LANGUAGES } from '../../../src/ml/inbound/types.js';

const handwritten: Array<{ subject: string; body: string }> = JSON.parse(fs.readFileSync(new URL('./fixtures/handwritten.json', import.meta.url), 'utf8'));
const emails = [...generateEmails({ n: 400, seed: 41 }), ...handwritten];
const prepared = emails.map((e) => prepareMessage(e));

function vectorizerOn(messages: PreparedMessage[], options: NgramOptions): Vectorizer {
  const counts = messages.map((m) => ngramCounts(m, options));
  // Labels only rank the features; any labels give a vocabulary to check against.
  const labels = messages.map((_, i) => i % INBOUND_TYPES.length);
  return new Vectorizer(buildVocabulary(counts, labels, INBOUND_TYPES.length, { maxFeatures: 3000, minDocs: 2 }));
}

describe('when a message is vectorised straight from its tokens', () => {
  it('gives the vector of its n-gram counts, feature for feature', () => {
    const vectorizer = vectorizerOn(prepared.slice(0, 300), DEFAULT_NGRAMS);
    for (const m of prepared) {
      const fast = vectorizer.vectorizeMessage(m, DEFAULT_NGRAMS);
      const plain = vectorizer.vectorize(ngramCounts(m, DEFAULT_NGRAMS));
      expect(Array.from(fast.indices)).toEqual(Array.from(plain.indices));
      expect(Array.from(fast.values)).toEqual(Array.from(plain.values));
    }
  });

  it('finds character n-grams of letters the codes do not cover, and longer n-grams', () => {
    const options: NgramOptions = { charLengths: [2, 4, 7], bigrams: false };
    const message = (tokens: string[]): PreparedMessage => ({
      own: '', folded: '', tokens, subjectTokens: ['cafe'], subject: 'cafe', isReply: false, isAutoReply: false, quoted: '',
    });
    const odd = [message(['café', 'payé', 'paye', 'naïve', 'reglement']), message(['café', 'x1y2z', 'reglements', 'naïve'])];
    const vectorizer = vectorizerOn(odd, options);
    for (const m of [...odd, message(['cafés', 'payés', 'reglementation'])]) {
      const fast = vectorizer.vectorizeMessage(m, options);
      const plain = vectorizer.vectorize(ngramCounts(m, options));
      expect(Array.from(fast.indices)).toEqual(Array.from(plain.indices));
      expect(Array.from(fast.values)).toEqual(Array.from(plain.values));
    }
  });
});

describe('when the language is read from letter tables', () => {
  it('gives the language and confidence of the n-gram strings it was trained on', () => {
    const artifact = trainLanguageDetector(generateEmails({ n: 300, seed: 43 }));
    const state = artifact.state as { grams: Record<string, number[]>; unseen: number[] };
    const detector = loadLanguageDetector(artifact);
    for (const m of prepared) {
      const grams = gramsOf(`${m.folded} ${m.subjectTokens.join(' ')}`.slice(0, 600));
      const scores = LANGUAGES.map((_, l) => grams.reduce((sum, g) => sum + (state.grams[g]?.[l] ?? state.unseen[l]), 0));
      const ratio = grams.length ? Math.abs(scores[0] - scores[1]) / grams.length : 0;
      const guess = detector.detect(m);
      expect(guess.language).toBe(scores[0] >= scores[1] ? 'fr' : 'en');
      expect(guess.confidence).toBe(1 / (1 + Math.exp(-12 * ratio)));
    }
  });
});

// Folding as it was first written: one pass per kind of character.
function foldStepByStep(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss')
    .replace(/[\u2018\u2019\u02bc\u00b4`]/g, "'")
    .replace(/[\u201c\u201d\u00ab\u00bb]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\u00a0\u202f\u2009\t]/g, ' ');
}

describe('when text is folded in one pass', () => {
  it('gives the text of the step-by-step folding, accents, ligatures, quotes and odd letters included', () => {
    const alphabet = [
      ...'aAzZ09 \t\n.,;:!?\'"`-_@€$£', ...'éÉèÈêÊëËàÀâÂäÄçÇîÎïÏôÔöÖùÙûÛüÜÿŸñÑ', ...'œŒæÆßẞİıΣσςΑΩΩ', '\u0301', '\u0345', '\u0308',
      ...'\u2018\u2019\u02bc\u00b4\u201c\u201d\u00ab\u00bb\u2010\u2011\u2013\u2014\u2015\u2212\u00a0\u202f\u2009', 'ǅ', 'ﬁ', 'Å', 'ǰ',
    ];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let n = 0; n < 3000; n++) {
      const length = 1 + Math.floor(random() * 24);
      const text = Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      expect(foldText(text)).toBe(foldStepByStep(text));
    }
    for (const e of emails) expect(foldText(`${e.subject}\n${e.body}`)).toBe(foldStepByStep(`${e.subject}\n${e.body}`));
  });
});
