// The drift model behind the one model interface. Detection is unsupervised:
// training describes the portfolio (segment priors for shrinkage) and records
// how often the configured thresholds alert on it; the artifact is that JSON.
import { createHash } from 'node:crypto';
import type { Artifact, Metrics, ModelKind, Predictor, TrainOptions } from '../model.js';
import { assessDrift, toPrediction } from './assess.js';
import { driftConfig, type DriftConfig, type DriftConfigPatch } from './config.js';
import { asConfigPatch, type DriftSettings } from './settings.js';
import { auc } from '../payment-delay/metrics.js';
import { fitSegmentPriors, type FittedPriors } from './prior.js';
import { quantileSorted } from './stats.js';
import { DRIFT_KINDS, type CustomerHistory, type DriftAssessment, type DriftKind } from './types.js';

export interface DriftExample {
  history: CustomerHistory;
  /** Known drifts as of history.asOf (synthetic truth), when evaluating detection. */
  drifts?: DriftKind[];
  /** A later outcome the score should rank (e.g. default next month), when evaluating ranking. */
  outcome?: boolean;
}

export interface DriftDataset {
  examples: DriftExample[];
  /** Thresholds to train with; defaults otherwise. */
  config?: DriftConfigPatch;
}

/** How the thresholds behave on the training portfolio: a baseline for monitoring drift of the detector itself. */
export interface PortfolioSummary {
  customers: number;
  alertRate: number;
  alertRateByKind: Record<DriftKind, number>;
  /** 50th / 90th / 99th percentiles of each signal's evidence. */
  evidenceQuantiles: Record<DriftKind, [number, number, number]>;
}

export interface DriftArtifactState {
  model: 'drift';
  formatVersion: 1;
  /** Content hash of config + priors: two artifacts with the same id score alike. */
  id: string;
  config: DriftConfig;
  /** The thresholds an analyst chose (settings.ts); the rest of `config` is the code's defaults then. */
  settings?: DriftConfigPatch;
  priors: FittedPriors;
  portfolio: PortfolioSummary;
}

const FORMAT_VERSION = 1;

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function summarisePortfolio(assessments: DriftAssessment[]): PortfolioSummary {
  const n = assessments.length;
  const alertRateByKind = {} as Record<DriftKind, number>;
  const evidenceQuantiles = {} as Record<DriftKind, [number, number, number]>;
  for (const k of DRIFT_KINDS) {
    alertRateByKind[k] = n ? round6(assessments.filter((a) => a.signals[k].flag).length / n) : 0;
    const e = Float64Array.from(assessments, (a) => a.signals[k].evidence).sort();
    evidenceQuantiles[k] = n
      ? [round6(quantileSorted(e, 0.5)), round6(quantileSorted(e, 0.9)), round6(quantileSorted(e, 0.99))]
      : [0, 0, 0];
  }
  return {
    customers: n,
    alertRate: n ? round6(assessments.filter((a) => a.alert).length / n) : 0,
    alertRateByKind,
    evidenceQuantiles,
  };
}

export function artifactId(config: DriftConfig, priors: FittedPriors): string {
  return createHash('sha256').update(JSON.stringify({ config, priors })).digest('hex').slice(0, 16);
}

export function driftState(artifact: Artifact): DriftArtifactState {
  const state = artifact.state as Partial<DriftArtifactState> | null;
  if (!state || state.model !== 'drift' || state.formatVersion !== FORMAT_VERSION || !state.config || !state.priors) {
    throw new TypeError('not a drift model artifact (format version 1)');
  }
  // An artifact saved before a setting existed scores with that setting's default.
  return { ...(state as DriftArtifactState), config: driftConfig(state.config) };
}

export class DriftPredictor implements Predictor<CustomerHistory, DriftAssessment> {
  constructor(private readonly state: DriftArtifactState) {}

  get id(): string {
    return this.state.id;
  }

  assess(input: CustomerHistory): DriftAssessment {
    return assessDrift(input, this.state.priors, this.state.config);
  }

  predict(input: CustomerHistory) {
    return toPrediction(this.assess(input), this.state.config);
  }

  predictMany(inputs: CustomerHistory[]) {
    return inputs.map((i) => this.predict(i));
  }
}

export const driftModel: ModelKind<DriftDataset, CustomerHistory, DriftAssessment> & {
  trainSync(data: DriftDataset): Artifact;
} = {
  name: 'drift',
  primaryMetric: 'auc',
  metricDirection: 'higher',

  trainSync(data: DriftDataset): Artifact {
    const config = driftConfig(data.config);
    const settings = data.config ?? {};
    const histories = data.examples.map((e) => e.history);
    const priors = fitSegmentPriors(histories, config);
    const assessments = histories.map((h) => assessDrift(h, priors, config));
    const state: DriftArtifactState = {
      model: 'drift',
      formatVersion: FORMAT_VERSION,
      id: artifactId(config, priors),
      config,
      settings,
      priors,
      portfolio: summarisePortfolio(assessments),
    };
    return { state };
  },

  async train(data: DriftDataset, options?: TrainOptions): Promise<Artifact> {
    options?.onProgress?.(0, 'fitting segment priors');
    const artifact = this.trainSync(options?.settings ? { ...data, config: asConfigPatch(options.settings as DriftSettings) } : data);
    options?.onProgress?.(1, 'done');
    return artifact;
  },

  async evaluate(artifact: Artifact, data: DriftDataset): Promise<Metrics> {
    const predictor = new DriftPredictor(driftState(artifact));
    return driftMetrics(data.examples.map((e) => predictor.assess(e.history)), data);
  },

  async load(artifact: Artifact): Promise<DriftPredictor> {
    return new DriftPredictor(driftState(artifact));
  },
};

/** The evaluation metrics of assessments made on `data`'s examples, in their order. */
export function driftMetrics(assessments: DriftAssessment[], data: DriftDataset): Metrics {
  const metrics: Metrics = {
    customers: assessments.length,
    alertRate: assessments.length ? assessments.filter((a) => a.alert).length / assessments.length : 0,
  };
  const withOutcome = data.examples.some((e) => e.outcome !== undefined);
  const labelled = data.examples.some((e) => e.drifts !== undefined);
  if (withOutcome) {
    metrics.auc = auc(
      assessments.map((a) => a.score),
      data.examples.map((e) => !!e.outcome),
    );
  } else if (labelled) {
    metrics.auc = auc(
      assessments.map((a) => a.score),
      data.examples.map((e) => (e.drifts ?? []).length > 0),
    );
  }
  if (labelled) {
    for (const k of DRIFT_KINDS) {
      const c = { truePositives: 0, falsePositives: 0, falseNegatives: 0 };
      data.examples.forEach((e, i) => {
        const truth = (e.drifts ?? []).includes(k);
        const flagged = assessments[i].signals[k].flag;
        if (flagged && truth) c.truePositives++;
        else if (flagged) c.falsePositives++;
        else if (truth) c.falseNegatives++;
      });
      metrics[`precision_${k}`] = c.truePositives / (c.truePositives + c.falsePositives);
      metrics[`recall_${k}`] = c.truePositives / (c.truePositives + c.falseNegatives);
    }
  }
  return metrics;
}
