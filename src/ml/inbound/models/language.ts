// French or English: a character n-gram profile per language (naive Bayes on
// 1- to 3-grams of the folded own text). Robust to missing accents and typos,
// small enough to live in JSON state.
import { checkedState } from '../artifacts.js';
import type { Artifact, ModelKind, Prediction, Predictor } from '../../model.js';
import { prepareMessage, type PreparedMessage } from '../text/prepare.js';
import { LANGUAGES, type InboundMessage, type LabeledEmail, type Language } from '../types.js';

interface LanguageState {
  kind: 'inbound-language-nb';
  version: 1;
  /** n-gram → log P(n-gram | language), one array per language in LANGUAGES order. */
  grams: Record<string, number[]>;
  /** log P(unseen n-gram | language). */
  unseen: number[];
}

export interface LanguageGuess {
  language: Language;
  /** 0.5..1 */
  confidence: number;
}

const MAX_GRAMS_PER_LANGUAGE = 2500;

/** The 1- to 3-grams of each word, padded with spaces: what the profile is trained on. */
export function gramsOf(text: string): string[] {
  const out: string[] = [];
  for (const word of text.split(/[^a-z']+/)) {
    if (!word) continue;
    const padded = ` ${word} `;
    for (let n = 1; n <= 3; n++) for (let i = 0; i + n <= padded.length; i++) out.push(padded.slice(i, i + n));
  }
  return out;
}

function textOf(message: PreparedMessage): string {
  return `${message.folded} ${message.subjectTokens.join(' ')}`;
}

// A few hundred characters tell French from English; more only costs time.
const MAX_CHARS = 600;

// Letters of the n-grams (gramsOf splits on anything else), 5 bits each and
// numbered from 1, so a 1-, 2- or 3-gram is an index into a table of 2^15.
const LETTER = new Int8Array(128);
" abcdefghijklmnopqrstuvwxyz'".split('').forEach((c, i) => (LETTER[c.charCodeAt(0)] = i + 1));
const SPACE = LETTER[32];
const TABLE_SIZE = 1 << 15;

/** The table index of an n-gram of up to 3 letters, or -1 when gramsOf could not have produced it. */
function gramIndex(gram: string): number {
  if (gram.length === 0 || gram.length > 3) return -1;
  let code = 0;
  for (let i = 0; i < gram.length; i++) {
    const c = gram.charCodeAt(i);
    const l = c < 128 ? LETTER[c] : 0;
    if (l === 0) return -1;
    code = (code << 5) | l;
  }
  return code;
}

export class LanguageDetector {
  /** log P(n-gram | language) by n-gram code, one table per language; unseen n-grams hold `unseen`. */
  private readonly tables: Float64Array[];
  private word = new Int8Array(64);

  constructor(state: LanguageState) {
    this.tables = LANGUAGES.map((_, l) => new Float64Array(TABLE_SIZE).fill(state.unseen[l]));
    for (const [gram, row] of Object.entries(state.grams)) {
      const code = gramIndex(gram);
      if (code >= 0) this.tables.forEach((table, l) => (table[code] = row[l]));
    }
  }

  /** The same sums as over gramsOf(text), in the same order, without building the n-grams. */
  detect(message: PreparedMessage): LanguageGuess {
    const text = textOf(message).slice(0, MAX_CHARS);
    const [fr, en] = this.tables;
    let scoreFr = 0;
    let scoreEn = 0;
    let grams = 0;
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const c = end < text.length ? text.charCodeAt(end) : 0;
      if (c < 128 && LETTER[c] !== 0 && c !== 32) continue;
      if (end > start) {
        const word = this.padded(text, start, end);
        const length = end - start + 2;
        for (let n = 1; n <= 3; n++) {
          for (let i = 0; i + n <= length; i++) {
            let code = 0;
            for (let j = 0; j < n; j++) code = (code << 5) | word[i + j];
            scoreFr += fr[code];
            scoreEn += en[code];
            grams++;
          }
        }
      }
      start = end + 1;
    }
    const scores = [scoreFr, scoreEn];
    const best = scores[0] >= scores[1] ? 0 : 1;
    // Per-gram log-likelihood ratio, tempered: a long text is not "more than certain".
    const ratio = grams ? Math.abs(scores[0] - scores[1]) / grams : 0;
    return { language: LANGUAGES[best], confidence: 1 / (1 + Math.exp(-12 * ratio)) };
  }

  /** Letter codes of ` text[start, end) `. */
  private padded(text: string, start: number, end: number): Int8Array {
    if (this.word.length < end - start + 2) this.word = new Int8Array(2 * (end - start + 2));
    const word = this.word;
    word[0] = SPACE;
    for (let k = start; k < end; k++) word[k - start + 1] = LETTER[text.charCodeAt(k)];
    word[end - start + 1] = SPACE;
    return word;
  }
}

export function trainLanguageDetector(data: LabeledEmail[]): Artifact {
  const counts = LANGUAGES.map(() => new Map<string, number>());
  const totals = LANGUAGES.map(() => 0);
  for (const email of data) {
    const l = LANGUAGES.indexOf(email.language);
    if (l < 0) throw new Error(`trainLanguageDetector: unknown language '${email.language}'`);
    for (const g of gramsOf(textOf(prepareMessage(email)))) {
      counts[l].set(g, (counts[l].get(g) ?? 0) + 1);
      totals[l]++;
    }
  }
  if (totals.some((t) => t === 0)) throw new Error('trainLanguageDetector: every language needs training text');
  const kept = new Set<string>();
  for (const c of counts) [...c.entries()].sort((a, b) => b[1] - a[1]).slice(0, MAX_GRAMS_PER_LANGUAGE).forEach(([g]) => kept.add(g));
  const vocabulary = kept.size + 1;
  const grams: Record<string, number[]> = {};
  for (const g of [...kept].sort()) {
    grams[g] = LANGUAGES.map((_, l) => Math.round(Math.log(((counts[l].get(g) ?? 0) + 1) / (totals[l] + vocabulary)) * 1e4) / 1e4);
  }
  const unseen = LANGUAGES.map((_, l) => Math.log(1 / (totals[l] + vocabulary)));
  const state: LanguageState = { kind: 'inbound-language-nb', version: 1, grams, unseen };
  return { state };
}

export function loadLanguageDetector(artifact: Artifact): LanguageDetector {
  const state = checkedState<LanguageState>(artifact, 'inbound-language-nb', 1, 'loadLanguageDetector') as LanguageState;
  return new LanguageDetector(state);
}

export const inboundLanguageModel: ModelKind<LabeledEmail[], InboundMessage, Language> = {
  name: 'inbound-language',
  primaryMetric: 'accuracy',
  metricDirection: 'higher',
  train: async (data) => trainLanguageDetector(data),
  async evaluate(artifact, data) {
    const detector = loadLanguageDetector(artifact);
    const correct = data.filter((e) => detector.detect(prepareMessage(e)).language === e.language).length;
    return { accuracy: data.length ? correct / data.length : 0, n: data.length };
  },
  async load(artifact): Promise<Predictor<InboundMessage, Language>> {
    const detector = loadLanguageDetector(artifact);
    return {
      predict(input): Prediction<Language> {
        const guess = detector.detect(prepareMessage(input));
        return { value: guess.language, confidence: guess.confidence, reasons: [{ factor: 'characterProfile', text: `reads like ${guess.language === 'fr' ? 'French' : 'English'}`, value: guess.confidence }] };
      },
    };
  },
};
