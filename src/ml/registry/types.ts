// The registry's records and the catalogue entry through which a model kind
// joins the lifecycle (training data, report diagnostics, drift features).
import type { Artifact, Metrics, ModelKind, TrainingWindow } from '../model.js';
import type { Evaluation } from '../reports/types.js';
import type { FeatureColumns } from '../monitoring/histogram.js';
import type { TSchema } from 'typebox';

export type VersionStatus = 'candidate' | 'active' | 'retired' | 'rejected';
export const VERSION_STATUSES: readonly VersionStatus[] = ['candidate', 'active', 'retired', 'rejected'];

/** A champion / challenger comparison on one holdout. */
export interface Comparison {
  /** The active version compared with, null when there was none. */
  champion: string | null;
  metric: string;
  direction: 'higher' | 'lower';
  tolerance: number;
  challengerValue: number | null;
  championValue: number | null;
  holdoutFingerprint: string;
  notWorse: boolean;
  at: string;
}

export interface ModelVersion {
  model: string;
  version: string;
  /** `<model>@<version>`: what computed fields record. */
  id: string;
  status: VersionStatus;
  statusReason: string | null;
  primaryMetric: string;
  metricDirection: 'higher' | 'lower';
  primaryValue: number | null;
  metrics: Metrics;
  dataset: string | null;
  window: TrainingWindow;
  dataFingerprint: string;
  holdoutFingerprint: string;
  codeVersion: string;
  /** file name → sha256, manifest.json included. */
  checksums: Record<string, string>;
  comparison: Comparison | null;
  previousVersion: string | null;
  hasReport: boolean;
  createdAt: string;
  activatedAt: string | null;
  retiredAt: string | null;
  /** The train job that recorded it; null when trained outside a job (the CLI). */
  jobId: string | null;
}

export interface ModelEvent {
  id: number;
  model: string;
  version: string;
  action: 'registered' | 'activated' | 'promoted' | 'rejected' | 'rolled-back';
  fromVersion: string | null;
  forced: boolean;
  actor: string | null;
  reason: string | null;
  at: string;
}

/** What `manifest.json` of a version folder says. */
export interface Manifest {
  formatVersion: 1;
  model: string;
  version: string;
  createdAt: string;
  codeVersion: string;
  dataset: string | null;
  window: TrainingWindow;
  dataFingerprint: string;
  holdoutFingerprint: string;
  primaryMetric: string;
  metricDirection: 'higher' | 'lower';
  metrics: Metrics;
  /** Names of the artifact's binary files (stored under files/). */
  artifactFiles: string[];
  /** Relative path → sha256 of every other file of the folder. */
  files: Record<string, string>;
}

/** A training set and its holdout, as a dataset loader returns them. */
export interface DatasetSplit<D> {
  train: D;
  /** Data the model never sees in training; champion and challenger are compared on it. */
  holdout: D;
  /** sha256 of the training data's canonical form or of its row ids (see fingerprint.ts). */
  fingerprint: string;
  /** Same for the holdout; computed from the holdout's canonical JSON when absent. */
  holdoutFingerprint?: string;
}

export type DatasetLoader<D> = (window: TrainingWindow, signal?: AbortSignal) => Promise<DatasetSplit<D>>;

/**
 * How a model joins the lifecycle. Only `kind` and `datasets` are required; the
 * optional hooks unlock the report plots and input-drift monitoring.
 */
export interface CatalogueEntry<D = any, I = any, V = any> {
  kind: ModelKind<D, I, V>;
  /** One line for analysts: what the model predicts. */
  description: string;
  /** Named datasets; the first is the default. */
  datasets: Record<string, DatasetLoader<D>>;
  /**
   * Detailed evaluation for the report; `kind.evaluate` is used when absent.
   * Its metrics must be those `kind.evaluate` gives: the champion is measured with evaluate.
   */
  diagnose?(artifact: Artifact, data: D): Promise<Evaluation>;
  /** Input features of each example of `data`, as the trained artifact sees them (drift monitoring). */
  features?(artifact: Artifact, data: D): FeatureColumns;
  /**
   * Input features of what a rescoring scores, drawn from the holdout, the
   * newest data (payment delay: the open book on its last days, not each
   * invoice on its issue date): the reference each rescoring's inputs are
   * compared with.
   */
  servingFeatures?(artifact: Artifact, data: D): FeatureColumns;
  /** Input features of scoring inputs (drift monitoring of what is being scored). */
  inputFeatures?(artifact: Artifact, inputs: I[]): FeatureColumns;
  /** Absolute tolerance on the primary metric when comparing with the champion. */
  tolerance?: number;
  /** Window of a scheduled retraining ending today (ISO date, exclusive); all history by default. */
  latestWindow?(today: string): TrainingWindow;
  /**
   * Which ends of a training window the entry's datasets honour (both when
   * absent). A request setting another end is refused rather than recorded
   * with a version that did not learn from that window.
   */
  window?: { from: boolean; to: boolean };
  /** What an analyst may set when training (drift: its alert thresholds); a model without it takes none. */
  settings?: ModelSettings;
}

export interface ModelSettings {
  /** TypeBox schema of a training request's settings. */
  schema: TSchema;
  /** The settings an artifact was trained with ({} when none): a retraining without settings keeps them. */
  of(artifact: Artifact): Record<string, unknown>;
}

export type Catalogue = Readonly<Record<string, CatalogueEntry>>;

/** Type-checks an entry against its kind's data types, then erases them for the catalogue. */
export function defineEntry<D, I, V>(entry: CatalogueEntry<D, I, V>): CatalogueEntry {
  return entry as CatalogueEntry;
}

/** Minimal logger (pino and Fastify's logger fit). */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** The largest training seed: random generators take 32 bits, so a larger one would quietly be another seed. */
export const MAX_SEED = 2 ** 32 - 1;
