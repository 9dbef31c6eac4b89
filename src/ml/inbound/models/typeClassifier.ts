// Request type: a TensorFlow.js MLP over word, bigram and character n-gram
// features of the customer's own words. Two heads share one hidden layer: a
// softmax for the primary type and a sigmoid per type for "this intent is in
// the email" (primary or secondary).
import { checkedState } from '../artifacts.js';
import type { Artifact, Metrics, ModelKind, Prediction, Predictor, TrainOptions } from '../../model.js';
import { classificationReport } from '../evaluation/metrics.js';
import { wantsCopyForTheFiles } from '../features/concepts.js';
import { DEFAULT_NGRAMS, ngramCounts, type NgramOptions } from '../features/ngrams.js';
import { Vectorizer, buildVocabulary, type SparseVector, type Vocabulary } from '../features/vocabulary.js';
import { prepareMessage, type PreparedMessage } from '../text/prepare.js';
import { INBOUND_TYPES, type InboundMessage, type InboundType, type LabeledEmail } from '../types.js';
import { resolvePrimary } from './primaryType.js';
import { SparseMlpEnsemble, loadSparseMlpRunner, trainAndSaveSparseMlp, type SavedSparseMlp, type SparseExample, type SparseMlpRunner, type SparseMlpSpec, type SparseMlpTrainingConfig } from './sparseMlp.js';

export interface TypeClassifierConfig extends SparseMlpTrainingConfig {
  /** Probability above which a non-primary intent is reported as secondary. */
  secondaryThreshold: number;
  ngrams: NgramOptions;
}

export const DEFAULT_TYPE_CONFIG: TypeClassifierConfig = {
  maxFeatures: 6000,
  minDocs: 3,
  hidden: 64,
  inputDropout: 0.3,
  // 4 epochs match 8 on held-out templates and both hand-written hold-outs, in half the time.
  epochs: 4,
  batchSize: 64,
  learningRate: 0.002,
  l2: 1e-6,
  labelSmoothing: 0.05,
  secondaryThreshold: 0.35,
  ngrams: DEFAULT_NGRAMS,
};

/** Bumped whenever what the state or files hold changes: an artifact of another version is refused, never read wrong. */
const TYPE_ARTIFACT_VERSION = 1;

interface TypeClassifierState extends SavedSparseMlp {
  kind: 'inbound-type-mlp';
  version: typeof TYPE_ARTIFACT_VERSION;
  config: TypeClassifierConfig;
  vocabulary: Vocabulary;
}

export interface TypePrediction {
  type: InboundType;
  secondaryTypes: InboundType[];
  /** Softmax probability of each primary type. */
  scores: Record<InboundType, number>;
  /** Probability that each intent is present at all. */
  present: Record<InboundType, number>;
  /** Top-1 minus top-2 primary probability: small = ambiguous. */
  margin: number;
  /** The top type was a copy request, and the copy is wanted for the files (records, audit), not to pay. */
  copyForTheFiles?: boolean;
}

function oneHot(index: number, size: number): Float32Array {
  const v = new Float32Array(size);
  v[index] = 1;
  return v;
}

function record(values: ArrayLike<number>): Record<InboundType, number> {
  const out = {} as Record<InboundType, number>;
  for (let i = 0; i < INBOUND_TYPES.length; i++) out[INBOUND_TYPES[i]] = values[i];
  return out;
}

/** Index of the largest value, the first one on ties; `skip` is left out. */
function argmax(values: ArrayLike<number>, skip = -1): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) if (i !== skip && (best < 0 || values[i] > values[best])) best = i;
  return best;
}

export class TypeClassifier {
  /** The one network, or the average of several (see `ensemble`). */
  private readonly networks: { forward(x: SparseVector): Float32Array[] };

  constructor(
    private readonly vectorizer: Vectorizer,
    private readonly runners: readonly SparseMlpRunner[],
    private readonly config: TypeClassifierConfig,
  ) {
    if (runners.length === 0) throw new Error('TypeClassifier: no network');
    this.networks = runners.length === 1 ? runners[0] : new SparseMlpEnsemble(runners);
  }

  /**
   * The networks of classifiers trained on the same data with different
   * seeds, their probabilities averaged: what an ensemble would score, for
   * training/inbound/seeds.ts. Not stored: the production model is one network.
   */
  static ensemble(classifiers: readonly TypeClassifier[]): TypeClassifier {
    const [first] = classifiers;
    if (!first) throw new Error('TypeClassifier.ensemble: no classifier');
    const features = first.vectorizer.vocabulary.features;
    const same = (c: TypeClassifier) => c.vectorizer.vocabulary.features.length === features.length && c.vectorizer.vocabulary.features.every((f, i) => f === features[i]);
    if (!classifiers.every(same)) throw new Error('TypeClassifier.ensemble: the classifiers do not share one vocabulary');
    return new TypeClassifier(first.vectorizer, classifiers.flatMap((c) => c.runners), first.config);
  }

  /** Networks averaged: 1 for a trained model. */
  get size(): number {
    return this.runners.length;
  }

  classify(message: PreparedMessage): TypePrediction {
    const [primary, present] = this.networks.forward(this.vectorizer.vectorizeMessage(message, this.config.ngrams));
    const top = argmax(primary);
    const found = INBOUND_TYPES.filter((t, i) => i !== top && t !== 'other' && present[i] >= this.config.secondaryThreshold);
    const copyForTheFiles = INBOUND_TYPES[top] === 'invoice_copy' && wantsCopyForTheFiles(message.tokens);
    const { type, secondaryTypes } = resolvePrimary(INBOUND_TYPES[top], found, message.isAutoReply, copyForTheFiles);
    const margin = type === INBOUND_TYPES[top] ? primary[top] - primary[argmax(primary, top)] : 0;
    return { type, secondaryTypes, scores: record(primary), present: record(present), margin, copyForTheFiles };
  }
}

export async function trainTypeClassifier(data: LabeledEmail[], options: TrainOptions = {}, overrides: Partial<TypeClassifierConfig> = {}): Promise<Artifact> {
  const config = { ...DEFAULT_TYPE_CONFIG, ...overrides };
  const prepared = data.map((e) => ngramCounts(prepareMessage(e), config.ngrams));
  const labels = data.map((e) => INBOUND_TYPES.indexOf(e.type));
  if (labels.some((l) => l < 0)) throw new Error('trainTypeClassifier: unknown type in training data');
  const vocabulary = buildVocabulary(prepared, labels, INBOUND_TYPES.length, { maxFeatures: config.maxFeatures, minDocs: config.minDocs });
  const vectorizer = new Vectorizer(vocabulary);
  const k = INBOUND_TYPES.length;
  const examples: SparseExample[] = data.map((e, i) => {
    const present = oneHot(labels[i], k);
    for (const s of e.secondaryTypes) present[INBOUND_TYPES.indexOf(s)] = 1;
    return { x: vectorizer.vectorize(prepared[i]), targets: [oneHot(labels[i], k), present] };
  });
  const spec: SparseMlpSpec = {
    inputSize: vectorizer.size,
    hidden: config.hidden,
    inputDropout: config.inputDropout,
    heads: [
      { name: 'primary_type', units: k, activation: 'softmax', lossWeight: 1, labelSmoothing: config.labelSmoothing },
      { name: 'present_types', units: k, activation: 'sigmoid', lossWeight: 1, labelSmoothing: 0 },
    ],
  };
  const { saved, files } = await trainAndSaveSparseMlp(spec, examples, { ...config, seed: options.seed ?? 17, onProgress: options.onProgress });
  const state: TypeClassifierState = { kind: 'inbound-type-mlp', version: TYPE_ARTIFACT_VERSION, config, vocabulary, ...saved };
  return { state, files };
}

export async function loadTypeClassifier(artifact: Artifact): Promise<TypeClassifier> {
  const state = checkedState<TypeClassifierState>(artifact, 'inbound-type-mlp', TYPE_ARTIFACT_VERSION, 'loadTypeClassifier');
  if (!state.config || !state.vocabulary || !state.spec || !state.network) throw new Error('loadTypeClassifier: incomplete artifact');
  if (state.spec.inputSize !== state.vocabulary.features.length) throw new Error(`loadTypeClassifier: the network reads ${state.spec.inputSize} features, the vocabulary has ${state.vocabulary.features.length}`);
  const runner = await loadSparseMlpRunner({ spec: state.spec, network: state.network }, artifact.files);
  return new TypeClassifier(new Vectorizer(state.vocabulary), [runner], state.config);
}

/** Macro-F1 and accuracy of the primary type, micro-F1 of secondary types. */
export function typeMetrics(truth: LabeledEmail[], predicted: TypePrediction[]): Metrics {
  const report = classificationReport(INBOUND_TYPES, truth.map((e) => e.type), predicted.map((p) => p.type));
  let tp = 0;
  let fp = 0;
  let fn = 0;
  truth.forEach((e, i) => {
    const want = new Set(e.secondaryTypes);
    const got = new Set(predicted[i].secondaryTypes);
    for (const t of got) (want.has(t) ? tp++ : fp++);
    for (const t of want) if (!got.has(t)) fn++;
  });
  const metrics: Metrics = { macroF1: report.macroF1, accuracy: report.accuracy, secondaryF1: tp ? (2 * tp) / (2 * tp + fp + fn) : 0, n: truth.length };
  for (const c of report.perClass) metrics[`f1.${c.label}`] = c.f1;
  return metrics;
}

export const inboundTypeModel: ModelKind<LabeledEmail[], InboundMessage, TypePrediction> = {
  name: 'inbound-type',
  primaryMetric: 'macroF1',
  metricDirection: 'higher',
  train: (data, options) => trainTypeClassifier(data, options),
  async evaluate(artifact, data) {
    const classifier = await loadTypeClassifier(artifact);
    return typeMetrics(data, data.map((e) => classifier.classify(prepareMessage(e))));
  },
  async load(artifact): Promise<Predictor<InboundMessage, TypePrediction>> {
    const classifier = await loadTypeClassifier(artifact);
    return {
      predict(input): Prediction<TypePrediction> {
        const p = classifier.classify(prepareMessage(input));
        return {
          value: p,
          confidence: p.scores[p.type],
          reasons: [{ factor: 'typeMargin', text: `${p.type} leads the next type by ${(p.margin * 100).toFixed(0)} points`, value: p.margin }],
        };
      },
    };
  },
};
