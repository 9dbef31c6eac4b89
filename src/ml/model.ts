// The one interface every model of the service implements. The registry,
// promotion, reports and serving (src/ml/registry/) are written once against it.

/** A factor behind a prediction, in words and numbers a collector can read. */
export interface Reason {
  /** Stable machine key, e.g. `pastMedianDaysLate`. */
  factor: string;
  /** Human sentence: "usually pays 8 days late (median of 14 invoices)". */
  text: string;
  /** Signed contribution to the score (model units), when the model has one. */
  weight?: number;
  /** The input value behind the factor. */
  value?: number | string | boolean | null;
}

export interface Prediction<V> {
  value: V;
  /** 0..1; how much the model trusts this prediction (data volume, margin). */
  confidence: number;
  reasons: Reason[];
}

/** Metrics are flat numbers so the registry can compare versions generically. */
export type Metrics = Record<string, number>;

export interface TrainingWindow {
  from: string | null; // ISO date, inclusive
  to: string | null; // ISO date, exclusive
}

/**
 * An artifact is what training produces: plain JSON state plus optional binary
 * blobs (tfjs weights). It must round-trip through save/load byte-exactly.
 */
export interface Artifact {
  /** JSON-serialisable state: coefficients, vocabularies, feature spec. */
  state: unknown;
  /** Named binary payloads, e.g. `weights.bin` of a tfjs model. */
  files?: Record<string, Uint8Array>;
}

export interface TrainOptions {
  seed?: number;
  window?: TrainingWindow;
  /** Settings an analyst chose (checked against the catalogue entry's `settings.schema`); kept in the artifact. */
  settings?: Record<string, unknown>;
  onProgress?: (fraction: number, message?: string) => void;
}

/**
 * A model kind. `D` is its training/evaluation dataset, `I` one scoring input,
 * `V` the predicted value. `metricDirection` says which metric decides promotion.
 */
export interface ModelKind<D, I, V> {
  name: string;
  /** Metric used to compare a challenger with the champion on the same holdout. */
  primaryMetric: string;
  /** 'higher' for AUC / F1, 'lower' for RMSE. */
  metricDirection: 'higher' | 'lower';
  train(data: D, options?: TrainOptions): Promise<Artifact>;
  evaluate(artifact: Artifact, data: D): Promise<Metrics>;
  /** Build a predictor once per process; predicting must be cheap and pure. */
  load(artifact: Artifact): Promise<Predictor<I, V>>;
}

export interface Predictor<I, V> {
  predict(input: I): Prediction<V>;
  predictMany?(inputs: I[]): Prediction<V>[];
  /** The same answer, computed off the caller's event loop where the model can. */
  predictAsync?(input: I): Promise<Prediction<V>>;
  dispose?(): void;
}
