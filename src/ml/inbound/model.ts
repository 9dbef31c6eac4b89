// Inbound triage as one registrable model: language, type and sentiment
// trained together into one artifact; loading gives a predictor that runs
// scoreInbound. The parts are also exported as their own ModelKinds.
import type { Artifact, ModelKind, Prediction, Predictor, TrainOptions } from '../model.js';
import { checkedState, nestArtifacts, unnestArtifact } from './artifacts.js';
import type { AutoReplyConfig } from './autoReply.js';
import { generateEmails } from './corpus/index.js';
import { evaluateTriage } from './evaluation/evaluateTriage.js';
import { loadLanguageDetector, trainLanguageDetector } from './models/language.js';
import { loadSentimentModel, trainSentimentModel, type SentimentConfig } from './models/sentiment.js';
import { loadTypeClassifier, trainTypeClassifier, type TypeClassifierConfig } from './models/typeClassifier.js';
import type { PriorityConfig } from './priority.js';
import { scoreInbound, type InboundModels, type InboundTriage } from './score.js';
import type { CustomerContext, InboundMessage, LabeledEmail } from './types.js';
import { TriagePool } from './pool/pool.js';

export interface InboundRequest extends InboundMessage {
  customer?: CustomerContext | null;
}

/** The generated corpus the production model trains on (all templates). */
export function trainingCorpus(options: { n?: number; seed?: number } = {}): LabeledEmail[] {
  return generateEmails({ n: options.n ?? 6000, seed: options.seed ?? 20240601, split: 'all' });
}

/** Bumped whenever the parts or their layout change: an artifact of another version is refused, never read wrong. */
const TRIAGE_ARTIFACT_VERSION = 1;

/** Settings of the parts, for experiments and fast tests; the defaults are the production ones. */
export interface InboundTrainSettings {
  type?: Partial<TypeClassifierConfig>;
  sentiment?: Partial<SentimentConfig>;
}

export async function trainInbound(data: LabeledEmail[], options: TrainOptions = {}, settings: InboundTrainSettings = {}): Promise<Artifact> {
  if (data.length === 0) throw new Error('inbound: no training data');
  const progress = (from: number, to: number) => (f: number, m?: string) => options.onProgress?.(from + (to - from) * f, m);
  const language = trainLanguageDetector(data);
  options.onProgress?.(0.02, 'language profile');
  const type = await trainTypeClassifier(data, { ...options, onProgress: progress(0.02, 0.8) }, settings.type);
  const sentiment = await trainSentimentModel(data, { ...options, onProgress: progress(0.8, 1) }, settings.sentiment);
  return nestArtifacts({ language, type, sentiment }, { kind: 'inbound-triage', version: TRIAGE_ARTIFACT_VERSION, trainedOn: data.length });
}

/** Loads the three models of an inbound artifact, ready for scoreInbound. */
export async function loadInboundModels(artifact: Artifact, settings: { autoReply?: AutoReplyConfig; priority?: PriorityConfig } = {}): Promise<InboundModels> {
  checkedState(artifact, 'inbound-triage', TRIAGE_ARTIFACT_VERSION, 'loadInboundModels');
  const [type, sentiment] = await Promise.all([loadTypeClassifier(unnestArtifact(artifact, 'type')), loadSentimentModel(unnestArtifact(artifact, 'sentiment'))]);
  return { language: loadLanguageDetector(unnestArtifact(artifact, 'language')), type, sentiment, ...settings };
}

export const inboundModel: ModelKind<LabeledEmail[], InboundRequest, InboundTriage> = {
  name: 'inbound-triage',
  primaryMetric: 'macroF1',
  metricDirection: 'higher',
  train: (data, options) => trainInbound(data, options),
  async evaluate(artifact, data) {
    return evaluateTriage(await loadInboundModels(artifact), data).metrics;
  },
  async load(artifact): Promise<Predictor<InboundRequest, InboundTriage>> {
    const models = await loadInboundModels(artifact);
    const predict = (input: InboundRequest): Prediction<InboundTriage> => triagePrediction(scoreInbound(input, input.customer, models));
    return { predict, predictMany: (inputs) => inputs.map(predict) };
  },
};

function triagePrediction(triage: InboundTriage): Prediction<InboundTriage> {
  return {
    value: triage,
    confidence: triage.typeConfidence,
    reasons: [
      { factor: 'type', text: `${triage.type.replace(/_/g, ' ')} (confidence ${triage.typeConfidence.toFixed(2)})`, weight: triage.typeConfidence, value: triage.type },
      ...triage.priority.reasons.slice(0, 3),
      ...triage.sentiment.reasons.slice(0, 2),
    ],
  };
}

/**
 * The inbound model whose predictors also score on `threads` worker threads
 * (`predictAsync`), started on first use so that training and evaluation,
 * which load models too, start none. 0 threads: the plain model.
 */
export function inboundModelOnThreads(threads: number): typeof inboundModel {
  if (threads <= 0) return inboundModel;
  return {
    ...inboundModel,
    async load(artifact) {
      const base = await inboundModel.load(artifact);
      let pool: TriagePool | null = null;
      return {
        ...base,
        async predictAsync(input) {
          pool ??= new TriagePool(artifact, threads);
          const scored = pool.score(input);
          return scored ? triagePrediction(await scored) : base.predict(input);
        },
        dispose() {
          void pool?.close();
          pool = null;
        },
      };
    },
  };
}
