// Sentiment (negative / neutral / positive, score in [-1, 1]) for French and
// English: a TensorFlow.js softmax over n-gram features plus features from the
// hand-written lexicon (with negation). Half the training examples see only
// the lexicon features, so the model keeps trusting the lexicon on wordings
// the generated corpus never produced. No external sentiment data is used:
// the public sets we have are evaluation-only by licence.
import { checkedState } from '../artifacts.js';
import type { Artifact, Metrics, ModelKind, Prediction, Predictor, Reason, TrainOptions } from '../../model.js';
import { classificationReport } from '../evaluation/metrics.js';
import { DEFAULT_NGRAMS, ngramCounts, type NgramOptions } from '../features/ngrams.js';
import { Vectorizer, buildVocabulary, type SparseVector, type Vocabulary } from '../features/vocabulary.js';
import { LEXICON_FEATURE_NAMES, lexiconFeatures, scoreLexicon, type LexiconHit, type LexiconScore } from '../sentiment/lexiconScore.js';
import { prepareMessage, type PreparedMessage } from '../text/prepare.js';
import { SENTIMENTS, type InboundMessage, type LabeledEmail, type SentimentLabel } from '../types.js';
import { loadSparseMlpRunner, trainAndSaveSparseMlp, type SavedSparseMlp, type SparseExample, type SparseMlpRunner, type SparseMlpSpec, type SparseMlpTrainingConfig } from './sparseMlp.js';

export interface SentimentConfig extends SparseMlpTrainingConfig {
  ngrams: NgramOptions;
}

export const DEFAULT_SENTIMENT_CONFIG: SentimentConfig = {
  maxFeatures: 2500,
  minDocs: 3,
  hidden: 16,
  inputDropout: 0.2,
  epochs: 6,
  batchSize: 64,
  learningRate: 0.003,
  l2: 1e-5,
  labelSmoothing: 0.05,
  ngrams: DEFAULT_NGRAMS,
};

interface SentimentState extends SavedSparseMlp {
  kind: 'inbound-sentiment';
  version: 1;
  config: SentimentConfig;
  vocabulary: Vocabulary;
}

export interface SentimentResult {
  label: SentimentLabel;
  /** P(positive) − P(negative), in [-1, 1]. */
  score: number;
  probabilities: Record<SentimentLabel, number>;
  legalThreat: boolean;
  lexicon: LexiconScore;
}

function features(vectorizer: Vectorizer, message: PreparedMessage, lexicon: LexiconScore, config: SentimentConfig, withNgrams = true): SparseVector {
  const ngrams = withNgrams ? vectorizer.vectorizeMessage(message, config.ngrams) : { indices: new Int32Array(0), values: new Float32Array(0) };
  const lex = lexiconFeatures(lexicon);
  const indices = new Int32Array(ngrams.indices.length + lex.length);
  const values = new Float32Array(indices.length);
  indices.set(ngrams.indices);
  values.set(ngrams.values);
  lex.forEach((v, j) => {
    indices[ngrams.indices.length + j] = vectorizer.size + j;
    values[ngrams.indices.length + j] = v;
  });
  return { indices, values };
}

export class SentimentModel {
  constructor(
    private readonly vectorizer: Vectorizer,
    private readonly runner: SparseMlpRunner,
    private readonly config: SentimentConfig,
  ) {}

  analyse(message: PreparedMessage): SentimentResult {
    const lexicon = scoreLexicon(message.tokens, message.own);
    const [p] = this.runner.forward(features(this.vectorizer, message, lexicon, this.config));
    const probabilities = { negative: p[0], neutral: p[1], positive: p[2] };
    let best = 0;
    for (let i = 1; i < 3; i++) if (p[i] > p[best]) best = i;
    let label = SENTIMENTS[best];
    let score = p[2] - p[0];
    // A written legal threat is negative whatever else the email says.
    if (lexicon.legal && label !== 'negative') {
      label = 'negative';
      score = Math.min(score, -0.5);
    }
    return { label, score, probabilities, legalThreat: lexicon.legal, lexicon };
  }
}

export async function trainSentimentModel(data: LabeledEmail[], options: TrainOptions = {}, overrides: Partial<SentimentConfig> = {}): Promise<Artifact> {
  const config = { ...DEFAULT_SENTIMENT_CONFIG, ...overrides };
  const prepared = data.map((e) => prepareMessage(e));
  const counts = prepared.map((m) => ngramCounts(m, config.ngrams));
  const labels = data.map((e) => SENTIMENTS.indexOf(e.sentiment));
  if (labels.some((l) => l < 0)) throw new Error('trainSentimentModel: unknown sentiment label');
  const vocabulary = buildVocabulary(counts, labels, 3, { maxFeatures: config.maxFeatures, minDocs: config.minDocs });
  const vectorizer = new Vectorizer(vocabulary);
  const examples: SparseExample[] = [];
  prepared.forEach((m, i) => {
    const lexicon = scoreLexicon(m.tokens, m.own);
    const target = new Float32Array(3);
    target[labels[i]] = 1;
    examples.push({ x: features(vectorizer, m, lexicon, config), targets: [target] });
    examples.push({ x: features(vectorizer, m, lexicon, config, false), targets: [target] });
  });
  const spec: SparseMlpSpec = {
    inputSize: vectorizer.size + LEXICON_FEATURE_NAMES.length,
    hidden: config.hidden,
    inputDropout: config.inputDropout,
    heads: [{ name: 'sentiment', units: 3, activation: 'softmax', lossWeight: 1, labelSmoothing: config.labelSmoothing }],
  };
  const { saved, files } = await trainAndSaveSparseMlp(spec, examples, { ...config, seed: options.seed ?? 23, onProgress: options.onProgress });
  const state: SentimentState = { kind: 'inbound-sentiment', version: 1, config, vocabulary, ...saved };
  return { state, files };
}

export async function loadSentimentModel(artifact: Artifact): Promise<SentimentModel> {
  const state = checkedState<SentimentState>(artifact, 'inbound-sentiment', 1, 'loadSentimentModel') as SentimentState;
  return new SentimentModel(new Vectorizer(state.vocabulary), await loadSparseMlpRunner(state, artifact.files), state.config);
}

export function sentimentMetrics(truth: readonly SentimentLabel[], predicted: readonly SentimentLabel[]): Metrics {
  const report = classificationReport(SENTIMENTS, truth, predicted);
  const metrics: Metrics = { accuracy: report.accuracy, macroF1: report.macroF1, n: report.n };
  for (const c of report.perClass) metrics[`f1.${c.label}`] = c.f1;
  return metrics;
}

/** The lexicon hits behind a sentiment, strongest first, for a collector to read. */
function hitReason(h: LexiconHit, times: number): Reason {
  const weight = Math.round(h.weight * times * 100) / 100;
  if (h.cue === 'emoji') return { factor: 'emoji', text: times > 1 ? `${h.text} ×${times}` : h.text, weight, value: h.text };
  if (h.cue === 'capitals') return { factor: 'shoutedRefusal', text: `refusal in capitals: "${h.text}"`, weight, value: h.text };
  return {
    factor: h.legal ? 'legalThreat' : h.weight < 0 ? 'negativeWording' : 'positiveWording',
    text: `${h.legal ? 'legal threat' : h.weight < 0 ? 'negative wording' : 'positive wording'}: "${h.text}"${h.negated ? ' (negated)' : ''}${times > 1 ? ` ×${times}` : ''}`,
    weight,
    value: h.text,
  };
}

/** The three strongest cues; a cue repeated ("😡😡😡") is one reason with its count. */
export function sentimentReasons(result: SentimentResult): Reason[] {
  const counted = new Map<string, { hit: LexiconHit; times: number }>();
  for (const h of result.lexicon.hits) {
    const key = `${h.cue ?? 'word'}|${h.text}|${h.weight}`;
    const seen = counted.get(key);
    if (seen) seen.times++;
    else counted.set(key, { hit: h, times: 1 });
  }
  return [...counted.values()]
    .map(({ hit, times }) => hitReason(hit, times))
    .sort((a, b) => Math.abs(b.weight ?? 0) - Math.abs(a.weight ?? 0))
    .slice(0, 3);
}

export const inboundSentimentModel: ModelKind<LabeledEmail[], InboundMessage, SentimentResult> = {
  name: 'inbound-sentiment',
  primaryMetric: 'accuracy',
  metricDirection: 'higher',
  train: (data, options) => trainSentimentModel(data, options),
  async evaluate(artifact, data) {
    const model = await loadSentimentModel(artifact);
    return sentimentMetrics(data.map((e) => e.sentiment), data.map((e) => model.analyse(prepareMessage(e)).label));
  },
  async load(artifact): Promise<Predictor<InboundMessage, SentimentResult>> {
    const model = await loadSentimentModel(artifact);
    return {
      predict(input): Prediction<SentimentResult> {
        const result = model.analyse(prepareMessage(input));
        return { value: result, confidence: result.probabilities[result.label], reasons: sentimentReasons(result) };
      },
    };
  },
};
