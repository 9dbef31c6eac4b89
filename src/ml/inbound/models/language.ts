// French or English: a character n-gram profile per language (naive Bayes on
// 1- to 3-grams of the folded own text). Robust to missing accents and typos,
// small enough to live in JSON state.
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

function gramsOf(text: string): string[] {
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

export class LanguageDetector {
  private readonly grams: Map<string, number[]>;

  constructor(private readonly state: LanguageState) {
    this.grams = new Map(Object.entries(state.grams));
  }

  detect(message: PreparedMessage): LanguageGuess {
    const scores = LANGUAGES.map(() => 0);
    const grams = gramsOf(textOf(message).slice(0, MAX_CHARS));
    for (const g of grams) {
      const row = this.grams.get(g);
      for (let l = 0; l < LANGUAGES.length; l++) scores[l] += row ? row[l] : this.state.unseen[l];
    }
    const best = scores[0] >= scores[1] ? 0 : 1;
    // Per-gram log-likelihood ratio, tempered: a long text is not "more than certain".
    const ratio = grams.length ? Math.abs(scores[0] - scores[1]) / grams.length : 0;
    return { language: LANGUAGES[best], confidence: 1 / (1 + Math.exp(-12 * ratio)) };
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
  const state = artifact.state as LanguageState;
  if (state?.kind !== 'inbound-language-nb') throw new Error('loadLanguageDetector: not a language detector artifact');
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
