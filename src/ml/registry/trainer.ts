// The one training run for every model: load the window's data, train,
// evaluate on the holdout (champion too, for the report), keep the input
// histograms and the report with the version, register it, promote it safely,
// and check the champion's inputs for drift on the newest data.
import type { Artifact, Metrics, TrainingWindow } from '../model.js';
import { buildHistograms, type FeatureHistogram } from '../monitoring/histogram.js';
import type { DriftCheck, ModelMonitor } from '../monitoring/monitor.js';
import { buildReport } from '../reports/html.js';
import { FEATURES, REPORT, SERVING_FEATURES } from './artifact-store.js';
import { formatMetric } from './compare.js';
import { codeVersion } from './fingerprint.js';
import { checkWindow, datasetOf, evaluateWith, holdoutFingerprintOf } from './evaluation.js';
import type { ModelRegistry, OpenedVersion, PromotionDecision } from './registry.js';
import { activeSettings, checkSettings, versionSettings } from './settings.js';
import { silentLogger, type CatalogueEntry, type Logger, type ModelVersion, type VersionStatus } from './types.js';

export interface TrainRequest {
  model: string;
  /** Catalogue dataset name; the entry's first dataset by default. */
  dataset?: string | null;
  window?: TrainingWindow;
  seed?: number;
  /** The model's settings (entry.settings); the active version's when absent. */
  settings?: Record<string, unknown>;
  /** Promote safely once registered (default true); false leaves a candidate. */
  promote?: boolean;
  /** Render and keep the HTML report with the version (default true). */
  report?: boolean;
  actor?: string | null;
  /**
   * The train job running it. BullMQ may run a job a second time (a stalled
   * job, its first attempt dead or still training): the job records one
   * version, and an attempt that finds it recorded answers with it.
   */
  jobId?: string | null;
}

export interface TrainOutcome {
  model: string;
  version: string;
  /** `<model>@<version>` */
  id: string;
  dataset: string;
  window: TrainingWindow;
  /** The settings the version was trained with; null for a model that takes none. */
  settings: Record<string, unknown> | null;
  status: VersionStatus;
  primaryMetric: string;
  metrics: Metrics;
  /** The champion's metrics on the same holdout, when there was one. */
  championMetrics: Metrics | null;
  promotion: PromotionDecision | null;
  drift: DriftCheck | null;
  seconds: number;
}

export interface TrainerDeps {
  registry: ModelRegistry;
  monitor?: ModelMonitor;
  log?: Logger;
}

export interface RunOptions {
  onProgress?: (fraction: number, message: string) => void | Promise<void>;
  signal?: AbortSignal;
}

// Share of the progress bar each phase takes.
const PHASES = { load: [0, 0.1], train: [0.1, 0.7], evaluate: [0.7, 0.82], champion: [0.82, 0.88], report: [0.88, 0.94], register: [0.94, 1] } as const;

function describeWindow(w: TrainingWindow): string {
  return `${w.from ?? 'start'} → ${w.to ?? 'now'}`;
}

const secondsSince = (started: number) => Math.round((performance.now() - started) / 100) / 10;

/** What a version's rescorings are compared with (serving-features.json): its entry's serving features of `holdout`; null for an entry that has none. */
export function servingReference<D>(entry: CatalogueEntry<D>, artifact: Artifact, holdout: D): FeatureHistogram[] | null {
  return entry.servingFeatures ? buildHistograms(entry.servingFeatures(artifact, holdout)) : null;
}

export async function trainModel(deps: TrainerDeps, request: TrainRequest, run: RunOptions = {}): Promise<TrainOutcome> {
  const started = performance.now();
  const { registry } = deps;
  const log = deps.log ?? silentLogger;
  const entry = registry.entry(request.model);
  const { kind } = entry;
  const dataset = datasetOf(request.model, entry, request.dataset);
  const window: TrainingWindow = request.window ?? { from: null, to: null };
  checkWindow(request.model, entry, window);
  const earlier = request.jobId ? await registry.versionOfJob(request.model, request.jobId) : null;
  if (earlier) {
    if (request.promote ?? true) await promoteLeftCandidate(deps, request, earlier, dataset, window, run.signal);
    return recordedOutcome(deps, request, earlier.version, dataset.name, started);
  }
  const fractionOf = (phase: keyof typeof PHASES, within: number) => {
    const [a, b] = PHASES[phase];
    return a + (b - a) * Math.max(0, Math.min(1, within));
  };
  // Once the version is written (`late`) it may go live: a cancellation then comes too late and
  // the job completes, a progress report refused for it ignored (a job reported cancelled had
  // activated its model, helper-35).
  const step = async (phase: keyof typeof PHASES, within: number, message: string, late = false) => {
    if (!late) run.signal?.throwIfAborted();
    try {
      await run.onProgress?.(fractionOf(phase, within), message);
    } catch (err) {
      if (!late) throw err;
    }
  };

  const settings = request.settings !== undefined ? checkSettings(request.model, entry, request.settings) : await keptSettings(deps, request.model);
  await step('load', 0, `loading ${dataset.name} (${describeWindow(window)})`);
  const split = await dataset.loader(window, run.signal);
  const holdoutFingerprint = holdoutFingerprintOf(split);

  await step('train', 0, `training ${kind.name}`);
  const artifact = await kind.train(split.train, {
    seed: request.seed,
    window,
    settings,
    onProgress: (fraction, message) => {
      // The kind reports synchronously; a failed progress write must not kill training.
      Promise.resolve(step('train', fraction, message ?? 'training')).catch(() => undefined);
    },
  });

  await step('evaluate', 0, 'evaluating on the holdout');
  const evaluation = await evaluateWith(entry, artifact, split.holdout);
  const extras: Record<string, string | Uint8Array> = {};
  if (entry.features) {
    extras[FEATURES] = JSON.stringify(buildHistograms(entry.features(artifact, split.train)));
  }
  // From the holdout, the newest data: the reference is the book as it was when the version went into service.
  const serving = servingReference(entry, artifact, split.holdout);
  if (serving) extras[SERVING_FEATURES] = JSON.stringify(serving);

  await step('champion', 0, 'evaluating the active version on the same holdout');
  const active = await registry.active(request.model);
  let champion: OpenedVersion | null = null;
  let championMetrics: Metrics | null = null;
  let drift: DriftCheck | null = null;
  if (active) {
    try {
      champion = await registry.open(request.model, active.version);
      championMetrics = await kind.evaluate(champion.artifact, split.holdout);
      // The holdout is the newest data of the window: has what the champion sees moved since it was trained?
      if (deps.monitor && entry.features) {
        drift = await deps.monitor.checkFeatures(request.model, active.version, entry.features(champion.artifact, split.holdout), 'retrain');
      }
    } catch (err) {
      log.warn({ model: request.model, version: active.version, err: (err as Error).message }, 'the active version could not be evaluated');
    } finally {
      champion?.predictor.dispose?.();
    }
  }

  if (request.report ?? true) {
    await step('report', 0, 'rendering the report');
    const { html } = await buildReport({
      model: request.model,
      subject: `${request.model}, trained ${new Date().toISOString().slice(0, 10)}`,
      evaluation,
      primaryMetric: kind.primaryMetric,
      baseline: championMetrics && active ? { label: `active ${active.id}`, metrics: championMetrics } : undefined,
      facts: [
        ['dataset', dataset.name],
        ['training window', describeWindow(window)],
        ...(settings ? [['settings', JSON.stringify(settings)] as [string, string]] : []),
        ['training data sha256', split.fingerprint],
        ['holdout sha256', holdoutFingerprint],
        ['code version', codeVersion()],
        ['primary metric', `${kind.primaryMetric} (${kind.metricDirection} is better)`],
        ['active version then', active ? `${active.id} (${kind.primaryMetric} ${formatMetric(championMetrics?.[kind.primaryMetric] ?? null)} on this holdout)` : 'none'],
      ],
    });
    extras[REPORT] = html;
  }

  await step('register', 0, 'writing the version');
  const { version: registered, recorded } = await registry.register({
    model: request.model,
    artifact,
    metrics: evaluation.metrics,
    dataset: dataset.name,
    window,
    dataFingerprint: split.fingerprint,
    holdoutFingerprint,
    extras,
    actor: request.actor,
    jobId: request.jobId,
  });
  // Another attempt of the job trained at the same time and recorded first: its version is the job's.
  if (!recorded) return recordedOutcome(deps, request, registered.version, dataset.name, started);
  let promotion: PromotionDecision | null = null;
  if (request.promote ?? true) {
    await step('register', 0.5, 'comparing with the active version', true);
    promotion = await registry.promote(request.model, registered.version, {
      holdout: split.holdout,
      championMetrics: active && championMetrics ? { version: active.version, metrics: championMetrics } : undefined,
      actor: request.actor,
    });
  }
  await step('register', 1, promotion ? promotion.reason : 'registered as a candidate', true);
  const final = await registry.get(request.model, registered.version);
  return {
    model: request.model,
    version: registered.version,
    id: registered.id,
    dataset: dataset.name,
    window,
    settings: settings ?? null,
    status: final.status,
    primaryMetric: kind.primaryMetric,
    metrics: evaluation.metrics,
    championMetrics,
    promotion,
    drift,
    seconds: secondsSince(started),
  };
}

const decisionOf = async (registry: ModelRegistry, v: ModelVersion) =>
  (await registry.events(v.model, v.version)).find((e) => e.version === v.version && (e.action === 'promoted' || e.action === 'rejected'));

/**
 * An earlier attempt recorded the version and died before deciding on it (a
 * worker killed while the champion was evaluated, a lost connection): this
 * attempt decides, on the same holdout, read again. Data imported since moved
 * the holdout: the version is then left a candidate, as comparing it on other
 * data than its own metrics were measured on would not be fair.
 */
async function promoteLeftCandidate(
  deps: TrainerDeps,
  request: TrainRequest,
  earlier: ModelVersion,
  dataset: ReturnType<typeof datasetOf>,
  window: TrainingWindow,
  signal: AbortSignal | undefined,
): Promise<void> {
  const { registry } = deps;
  if (earlier.status !== 'candidate' || (await decisionOf(registry, earlier))) return;
  const split = await dataset.loader(window, signal);
  if (holdoutFingerprintOf(split) !== earlier.holdoutFingerprint) return;
  await registry.promote(request.model, earlier.version, { holdout: split.holdout, actor: request.actor });
}

/**
 * The outcome of the version an earlier attempt of the same job recorded, as
 * far as the registry keeps it: the champion's metrics and the drift check of
 * that attempt were not kept. A version still a candidate although promotion
 * was asked is told as it stands: its holdout moved since (an analyst may
 * activate it), or another attempt is promoting it now.
 */
async function recordedOutcome(deps: TrainerDeps, request: TrainRequest, version: string, dataset: string, started: number): Promise<TrainOutcome> {
  const { registry } = deps;
  const log = deps.log ?? silentLogger;
  const v = await registry.get(request.model, version);
  const decided = await decisionOf(registry, v);
  if (!decided && (request.promote ?? true)) {
    log.warn({ model: v.model, version: v.version, jobId: request.jobId }, 'an earlier attempt of the train job recorded this version but has not promoted it');
  }
  let settings: Record<string, unknown> | null = null;
  try {
    settings = (await versionSettings(registry, v.model, v.version, registry.entry(v.model))) ?? null;
  } catch (err) {
    log.warn({ model: v.model, version: v.version, err: (err as Error).message }, 'the settings of the recorded version could not be read');
  }
  const activated = decided?.action === 'promoted';
  return {
    model: v.model,
    version: v.version,
    id: v.id,
    dataset: v.dataset ?? dataset,
    window: v.window,
    settings,
    status: v.status,
    primaryMetric: v.primaryMetric,
    metrics: v.metrics,
    championMetrics: null,
    promotion: decided
      ? { model: v.model, version: v.version, activated, status: activated ? 'active' : 'rejected', reason: decided.reason ?? decided.action, comparison: v.comparison }
      : null,
    drift: null,
    seconds: secondsSince(started),
  };
}

/** The active version's settings; a version that cannot be opened (the reason to retrain, often) leaves the defaults. */
async function keptSettings(deps: TrainerDeps, model: string): Promise<Record<string, unknown> | undefined> {
  try {
    return await activeSettings(deps.registry, model, deps.registry.entry(model));
  } catch (err) {
    (deps.log ?? silentLogger).warn({ model, err: (err as Error).message }, 'the active version could not be read: training with default settings');
    return undefined;
  }
}
