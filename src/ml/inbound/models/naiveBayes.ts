// The classic baseline for the request type: multinomial naive Bayes on the
// same word, bigram and character n-gram counts as the network. It is what
// the tfjs model must beat to earn its place.
import { checkedState } from '../artifacts.js';
import type { Artifact, ModelKind, Prediction, Predictor } from '../../model.js';
import { DEFAULT_NGRAMS, ngramCounts } from '../features/ngrams.js';
import { buildVocabulary } from '../features/vocabulary.js';
import { prepareMessage, type PreparedMessage } from '../text/prepare.js';
import { INBOUND_TYPES, type InboundMessage, type InboundType, type LabeledEmail } from '../types.js';
import { typeMetrics, type TypePrediction } from './typeClassifier.js';

interface NaiveBayesState {
  kind: 'inbound-type-nb';
  version: 1;
  alpha: number;
  logPrior: number[];
  /** feature → log P(feature | type), one value per type. */
  logLikelihood: Record<string, number[]>;
}

const MAX_FEATURES = 20000;
const ALPHA = 0.1;

export class NaiveBayesTypeClassifier {
  constructor(private readonly state: NaiveBayesState) {}

  classify(message: PreparedMessage): TypePrediction {
    const scores = [...this.state.logPrior];
    for (const [f, count] of ngramCounts(message, DEFAULT_NGRAMS)) {
      const row = this.state.logLikelihood[f];
      if (!row) continue;
      for (let c = 0; c < scores.length; c++) scores[c] += count * row[c];
    }
    const max = Math.max(...scores);
    const exp = scores.map((s) => Math.exp(s - max));
    const sum = exp.reduce((a, b) => a + b, 0);
    const p = exp.map((e) => e / sum);
    const order = p.map((_, i) => i).sort((a, b) => p[b] - p[a]);
    const record = Object.fromEntries(INBOUND_TYPES.map((t, i) => [t, p[i]])) as Record<InboundType, number>;
    return { type: INBOUND_TYPES[order[0]], secondaryTypes: [], scores: record, present: record, margin: p[order[0]] - p[order[1]] };
  }
}

export function trainNaiveBayes(data: LabeledEmail[]): Artifact {
  const counts = data.map((e) => ngramCounts(prepareMessage(e), DEFAULT_NGRAMS));
  const labels = data.map((e) => INBOUND_TYPES.indexOf(e.type));
  const k = INBOUND_TYPES.length;
  const { features } = buildVocabulary(counts, labels, k, { maxFeatures: MAX_FEATURES, minDocs: 2 });
  const index = new Map(features.map((f, i) => [f, i]));
  const byClass = Array.from({ length: k }, () => new Float64Array(features.length));
  const totals = new Float64Array(k);
  const docs = new Float64Array(k);
  counts.forEach((doc, d) => {
    const c = labels[d];
    docs[c]++;
    for (const [f, n] of doc) {
      const i = index.get(f);
      if (i === undefined) continue;
      byClass[c][i] += n;
      totals[c] += n;
    }
  });
  const logLikelihood: Record<string, number[]> = {};
  features.forEach((f, i) => {
    logLikelihood[f] = byClass.map((row, c) => Math.round(Math.log((row[i] + ALPHA) / (totals[c] + ALPHA * features.length)) * 1e4) / 1e4);
  });
  const logPrior = Array.from(docs, (n) => Math.log((n + 1) / (data.length + k)));
  const state: NaiveBayesState = { kind: 'inbound-type-nb', version: 1, alpha: ALPHA, logPrior, logLikelihood };
  return { state };
}

export function loadNaiveBayes(artifact: Artifact): NaiveBayesTypeClassifier {
  const state = checkedState<NaiveBayesState>(artifact, 'inbound-type-nb', 1, 'loadNaiveBayes') as NaiveBayesState;
  return new NaiveBayesTypeClassifier(state);
}

export const inboundTypeBaselineModel: ModelKind<LabeledEmail[], InboundMessage, TypePrediction> = {
  name: 'inbound-type-baseline-nb',
  primaryMetric: 'macroF1',
  metricDirection: 'higher',
  train: async (data) => trainNaiveBayes(data),
  async evaluate(artifact, data) {
    const nb = loadNaiveBayes(artifact);
    return typeMetrics(data, data.map((e) => nb.classify(prepareMessage(e))));
  },
  async load(artifact): Promise<Predictor<InboundMessage, TypePrediction>> {
    const nb = loadNaiveBayes(artifact);
    return {
      predict(input): Prediction<TypePrediction> {
        const p = nb.classify(prepareMessage(input));
        return { value: p, confidence: p.scores[p.type], reasons: [{ factor: 'typeMargin', text: `${p.type} leads by ${(p.margin * 100).toFixed(0)} points`, value: p.margin }] };
      },
    };
  },
};
