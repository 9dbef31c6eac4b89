// Lexicon matching with negation and intensifiers: "pas satisfait" and "not
// happy at all" are negative, "pas de souci" and "no problem" are not.
import { SENTENCE_END, foldText } from '../text/normalize.js';
import { EMOJI, INTENSIFIERS, LEXICON, NEGATORS } from './lexicon.js';

export interface LexiconHit {
  text: string;
  /** Weight after negation and intensifiers. */
  weight: number;
  negated: boolean;
  legal: boolean;
  /** Where the tone came from when not from words. */
  cue?: 'emoji' | 'capitals';
}

export interface LexiconScore {
  positive: number;
  negative: number;
  hits: LexiconHit[];
  legal: boolean;
  apology: boolean;
  formulas: number;
  negatedPositives: number;
  exclamations: number;
  questions: number;
  /** Words of 4+ letters in capitals ("NEVER"), a written shout. */
  shouting: number;
}

// The second half of a French negation, after the verb: "ne … pas", "n'… jamais".
const FRENCH_NEGATION_END = new Set(['pas', 'jamais', 'plus', 'rien', 'guere', 'point']);

function isNegated(tokens: string[], at: number, length: number): boolean {
  // French puts "ne" before the verb and "pas" after it: "je n'apprécie pas".
  if ((tokens[at - 1] === 'ne' || tokens[at - 2] === 'ne') && (FRENCH_NEGATION_END.has(tokens[at + length]) || FRENCH_NEGATION_END.has(tokens[at + length + 1]))) return true;
  for (let k = at - 1; k >= Math.max(0, at - 3); k--) {
    const t = tokens[k];
    if (t === SENTENCE_END || t === '!' || t === '?') return false;
    if (NEGATORS.has(t)) return true;
    // "ne … plus" is a negation; "plus" alone means "more".
    if (t === 'plus' && (tokens[k - 1] === 'ne' || tokens[k - 2] === 'ne')) return true;
  }
  return false;
}

/** Weight of a refusal written in capitals. */
const SHOUTED_REFUSAL_WEIGHT = -1.5;
const SHOUTED_WORD = /^[^a-zà-ÿ]*[A-ZÀ-Ý][^a-zà-ÿ]*$/;
const REFUSAL_WORDS = new Set([...NEGATORS, 'stop', 'arretez', 'refuse', 'refusons']);

/**
 * Runs of three or more words in capitals that carry a refusal: "WE WILL NOT
 * PAY", "NOUS NE PAIERONS PAS", "STOP SENDING". Written calmly, the same words
 * are a plain dispute; shouted, they are angry. Capitals alone are not enough
 * ("PAYMENT SENT FOR INVOICE 123" is a habit, not a shout).
 */
export function shoutedRefusals(original: string): string[] {
  const found: string[] = [];
  for (const line of original.split(/[\n.;!?]+/)) {
    let run: string[] = [];
    const close = () => {
      const folded = run.map((w) => foldText(w).replace(/[^a-z']/g, ''));
      if (run.length >= 3 && folded.some((w) => REFUSAL_WORDS.has(w) || w.endsWith("n't"))) found.push(run.join(' '));
      run = [];
    };
    for (const word of line.split(/[\s,:]+/)) {
      if (word && SHOUTED_WORD.test(word)) run.push(word);
      else close();
    }
    close();
  }
  return found;
}

/** Scores folded tokens; `original` (own text, not folded) gives punctuation and capitals. */
export function scoreLexicon(tokens: string[], original: string): LexiconScore {
  const score: LexiconScore = {
    positive: 0,
    negative: 0,
    hits: [],
    legal: false,
    apology: false,
    formulas: 0,
    negatedPositives: 0,
    exclamations: (original.match(/!/g) ?? []).length,
    questions: (original.match(/\?/g) ?? []).length,
    shouting: (original.match(/\b[A-ZÀ-Ý]{4,}\b/g) ?? []).filter((w) => !/^(PDF|IBAN|SEPA|TVA|VAT|SWIFT|BACS|CHAPS|SIRET|SIREN|LRAR|RGPD|GDPR|SARL|EURL|CEO|CFO|URGENT|X+)$/.test(w)).length,
  };
  for (let i = 0; i < tokens.length; ) {
    const m = LEXICON.match(tokens, i);
    if (!m) {
      i++;
      continue;
    }
    const entry = m.value;
    const legal = entry.tag === 'legal';
    if (entry.tag === 'apology') score.apology = true;
    if (entry.tag === 'formula') score.formulas++;
    let weight = entry.weight;
    const negated = weight !== 0 && !legal && isNegated(tokens, i, m.length);
    if (negated) weight = weight > 0 ? -0.8 * weight : -0.3 * weight;
    if (INTENSIFIERS.has(tokens[i - 1] ?? '') || INTENSIFIERS.has(tokens[i - 2] ?? '')) weight *= 1.4;
    if (legal) score.legal = true;
    if (negated && entry.weight > 0) score.negatedPositives++;
    if (weight > 0) score.positive += weight;
    if (weight < 0) score.negative -= weight;
    if (weight !== 0 || legal) {
      const emoji = EMOJI[tokens[i]]?.name;
      score.hits.push(emoji ? { text: emoji, weight, negated, legal, cue: 'emoji' } : { text: tokens.slice(i, i + m.length).join(' '), weight, negated, legal });
    }
    i += m.length;
  }
  for (const run of shoutedRefusals(original)) {
    score.negative -= SHOUTED_REFUSAL_WEIGHT;
    score.hits.push({ text: run, weight: SHOUTED_REFUSAL_WEIGHT, negated: false, legal: false, cue: 'capitals' });
  }
  return score;
}

/** Dense features for the sentiment model, each roughly in [0, 2]. */
export function lexiconFeatures(s: LexiconScore): number[] {
  const strongNegative = s.hits.some((h) => h.weight <= -1.5);
  const strongPositive = s.hits.some((h) => h.weight >= 1.5);
  return [
    Math.min(s.positive / 3, 2),
    Math.min(s.negative / 3, 2),
    s.positive > 0 ? 1 : 0,
    s.negative > 0 ? 1 : 0,
    strongNegative ? 1 : 0,
    strongPositive ? 1 : 0,
    s.legal ? 1 : 0,
    Math.min(s.negatedPositives, 2),
    Math.min(s.exclamations, 3) / 3,
    Math.min(s.questions, 3) / 3,
    Math.min(s.shouting, 3) / 3,
    s.apology ? 1 : 0,
    Math.min(s.formulas, 2) / 2,
    s.hits.length === 0 ? 1 : 0,
  ];
}

export const LEXICON_FEATURE_NAMES = [
  'positiveWeight', 'negativeWeight', 'anyPositive', 'anyNegative', 'strongNegative', 'strongPositive', 'legalThreat',
  'negatedPositives', 'exclamations', 'questions', 'shouting', 'apology', 'formulas', 'noLexiconHit',
];
