// The model registry: versions on disk and in the database, one active version
// per model, safe promotion, explicit (recorded) forcing, and rollback.
//
// Invariants: a version whose files fail their checksums or do not load is
// never activated, forced or not; a version is promoted automatically only when
// its primary metric is not worse than the champion's on the same holdout.
import type { Db } from '../../db/sql.js';
import { AR_ERR } from '../../errors.js';
import type { Artifact, Metrics, Predictor, TrainingWindow } from '../model.js';
import type { FeatureHistogram } from '../monitoring/histogram.js';
import { ArtifactStore, FEATURES, REPORT, SERVING_FEATURES, assertModelName, bytesSource, isVersionName, newVersionName, type FileSource } from './artifact-store.js';
import { DEFAULT_TOLERANCE, formatMetric, isNotWorse, primaryValue } from './compare.js';
import { codeVersion } from './fingerprint.js';
import { VersionTable } from './versions.js';
import { activationStack } from './activation-stack.js';
import { silentLogger, type Catalogue, type CatalogueEntry, type Comparison, type Logger, type Manifest, type ModelEvent, type ModelVersion, type VersionStatus } from './types.js';

export interface RegistryOptions {
  db: Db;
  modelsDir: string;
  catalogue: Catalogue;
  /** Absolute tolerance on the primary metric (a catalogue entry may set its own). */
  tolerance?: number;
  log?: Logger;
}

export interface RegisterInput {
  model: string;
  artifact: Artifact;
  /** Metrics on the holdout. */
  metrics: Metrics;
  dataset: string | null;
  window: TrainingWindow;
  dataFingerprint: string;
  holdoutFingerprint: string;
  /** features.json, report.html */
  extras?: Record<string, string | Uint8Array>;
  actor?: string | null;
  /** The train job recording it: a job records one version of a model, however many attempts train one. */
  jobId?: string | null;
}

export interface Registration {
  version: ModelVersion;
  /** False when another attempt of the same job had recorded `version` first: this attempt's files were dropped. */
  recorded: boolean;
}

export interface OpenedVersion {
  version: ModelVersion;
  manifest: Manifest;
  artifact: Artifact;
  predictor: Predictor<unknown, unknown>;
}

export interface PromotionDecision {
  model: string;
  version: string;
  activated: boolean;
  status: VersionStatus;
  reason: string;
  comparison: Comparison | null;
}

export interface ActivateOptions {
  /** Activate even if the version is worse than the active one or not compared with it. Never skips the file checks. */
  force?: boolean;
  actor?: string | null;
  reason?: string | null;
}

export interface PromoteOptions {
  /** The holdout the candidate was evaluated on: the champion is evaluated on it too. */
  holdout?: unknown;
  /** The champion's metrics on that holdout, when the caller already has them (the trainer does). */
  championMetrics?: { version: string; metrics: Metrics };
  actor?: string | null;
}

/** A version's files failed their checks on this machine and in the database: the version is damaged. */
class DamagedFiles extends Error {}

/** Comparisons a promotion makes when other versions keep going live meanwhile. */
const PROMOTION_ATTEMPTS = 3;

export type ActivationListener = (e: { model: string; version: string }) => void;

export class ModelRegistry {
  readonly store: ArtifactStore;
  readonly table: VersionTable;
  readonly catalogue: Catalogue;
  private readonly tolerance: number;
  private readonly log: Logger;
  private readonly listeners = new Set<ActivationListener>();

  constructor(options: RegistryOptions) {
    this.store = new ArtifactStore(options.modelsDir);
    this.table = new VersionTable(options.db);
    this.catalogue = options.catalogue;
    this.tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
    this.log = options.log ?? silentLogger;
    for (const name of Object.keys(this.catalogue)) assertModelName(name);
  }

  models(): string[] {
    return Object.keys(this.catalogue).sort();
  }

  entry(model: string): CatalogueEntry {
    const entry = Object.hasOwn(this.catalogue, model) ? this.catalogue[model] : undefined;
    if (!entry) throw AR_ERR.MODEL_UNKNOWN([model, this.models().join(', ') || '(none)']);
    return entry;
  }

  toleranceOf(model: string): number {
    return this.entry(model).tolerance ?? this.tolerance;
  }

  /** Called after every activation in this process (promotion, manual, rollback). */
  onActivated(listener: ActivationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async register(input: RegisterInput): Promise<Registration> {
    const { kind } = this.entry(input.model);
    const version = newVersionName();
    const createdAt = new Date().toISOString();
    const written = await this.store.write({
      manifest: {
        formatVersion: 1,
        model: input.model,
        version,
        createdAt,
        codeVersion: codeVersion(),
        dataset: input.dataset,
        window: input.window,
        dataFingerprint: input.dataFingerprint,
        holdoutFingerprint: input.holdoutFingerprint,
        primaryMetric: kind.primaryMetric,
        metricDirection: kind.metricDirection,
        metrics: input.metrics,
      },
      artifact: input.artifact,
      extras: input.extras,
    });
    let registration: Registration;
    try {
      // Row and event in one transaction: a failed event must not leave a row whose folder the catch removes.
      registration = await this.table.transactionFor(input.model, async (tx) => {
        const row = await this.table.insert({
          model: input.model,
          version,
          primaryMetric: kind.primaryMetric,
          metricDirection: kind.metricDirection,
          primaryValue: primaryValue(input.metrics, kind.primaryMetric),
          metrics: input.metrics,
          dataset: input.dataset,
          window: input.window,
          dataFingerprint: input.dataFingerprint,
          holdoutFingerprint: input.holdoutFingerprint,
          codeVersion: written.manifest.codeVersion,
          checksums: written.checksums,
          hasReport: REPORT in written.checksums,
          createdAt,
          jobId: input.jobId ?? null,
        }, tx);
        // Only a job id collides (NULLs are distinct), and the row it collided with is committed: the lock was theirs first.
        if (!row) return { version: (await this.table.ofJob(input.model, input.jobId!, tx))!, recorded: false };
        await this.table.insertFiles(tx, input.model, version, written.files);
        await this.table.addEvent({ model: input.model, version, action: 'registered', actor: input.actor }, tx);
        return { version: row, recorded: true };
      });
    } catch (err) {
      // No row, no folder: a version exists in both places or in neither.
      await this.store.remove(input.model, version);
      throw err;
    }
    if (!registration.recorded) {
      await this.store.remove(input.model, version);
      this.log.warn({ model: input.model, jobId: input.jobId, version: registration.version.version }, 'another attempt of the train job recorded its version first: this one is dropped');
    }
    return registration;
  }

  /** The version a train job recorded, if it did. */
  async versionOfJob(model: string, jobId: string): Promise<ModelVersion | null> {
    this.entry(model);
    return this.table.ofJob(model, jobId);
  }

  async get(model: string, version: string): Promise<ModelVersion> {
    this.entry(model);
    const v = isVersionName(version) ? await this.table.get(model, version) : null;
    if (!v) throw AR_ERR.MODEL_VERSION_NOT_FOUND([model, version]);
    return v;
  }

  async list(model: string, limit?: number): Promise<ModelVersion[]> {
    this.entry(model);
    return this.table.list(model, limit);
  }

  async active(model: string): Promise<ModelVersion | null> {
    this.entry(model);
    return this.table.active(model);
  }

  activeVersions(): Promise<Map<string, string>> {
    return this.table.activeVersions();
  }

  events(model: string, version?: string): Promise<ModelEvent[]> {
    this.entry(model);
    return this.table.events(model, version);
  }

  /**
   * Reads, checks and loads a version. A version that fails is marked rejected
   * (unless it is the active one, which only an analyst replaces) and refused.
   */
  async open(model: string, version: string): Promise<OpenedVersion> {
    const v = await this.get(model, version);
    const { kind } = this.entry(model);
    let manifest: Manifest;
    let artifact: Artifact;
    let predictor: Predictor<unknown, unknown>;
    try {
      ({ manifest, artifact } = await this.readHealing(v, (source) => this.store.read(model, version, v.checksums, source)));
    } catch (err) {
      if (!(err instanceof DamagedFiles)) throw err;
      throw await this.refuse(v, err.message);
    }
    try {
      predictor = (await kind.load(artifact)) as Predictor<unknown, unknown>;
    } catch (err) {
      throw await this.refuse(v, `the artifact does not load: ${(err as Error).message}`);
    }
    return { version: v, manifest, artifact, predictor };
  }

  /**
   * Versions registered before the database kept their files: copied in from
   * this machine's folder where it holds them intact, so that other machines
   * can serve them too; one damaged there is refused. Returns how many were copied.
   */
  async keepLocalFiles(): Promise<number> {
    let kept = 0;
    for (const v of await this.table.withoutFiles()) {
      if (!this.catalogue[v.model] || !(await this.store.has(v.model, v.version))) continue;
      try {
        const files = await this.store.readPinned(v.model, v.version, v.checksums);
        await this.table.transactionFor(v.model, (tx) => this.table.insertFiles(tx, v.model, v.version, files));
        kept++;
      } catch (err) {
        // No other copy to heal from: the version is refused as loading it would be, once, not at every start.
        if (v.status !== 'rejected') await this.refuse(v, `this machine's copy, the only one, is damaged: ${(err as Error).message}`);
      }
    }
    return kept;
  }

  /**
   * Reads this machine's copy; when it is missing (a version written on another
   * machine: a worker trains, the API serves) or fails its checks, and the
   * database holds the version's files, reads those, with the same checks, and
   * rebuilds the copy from them. A damaged copy is this machine's problem, not
   * the version's: only when the database's bytes fail too is the version
   * itself damaged. The second read is of the database's bytes, not of the
   * rebuilt folder: another process sharing the folder (the API and a worker
   * on one machine, starting together) may remove the copy this one restored,
   * as it heals the copy it found missing.
   */
  private async readHealing<T>(v: ModelVersion, read: (source?: FileSource) => Promise<T>): Promise<T> {
    let problem: Error;
    try {
      return await read();
    } catch (err) {
      problem = err as Error;
    }
    // Outside the checks: the database or the disk failing here says nothing about the version's files.
    const files = await this.table.files(v.model, v.version);
    if (files.length === 0) throw new DamagedFiles(problem.message);
    let result: T;
    try {
      result = await read(bytesSource(files));
    } catch (err) {
      throw new DamagedFiles((err as Error).message);
    }
    await this.recache(v, files, problem);
    return result;
  }

  /** This machine's copy rebuilt from the database's bytes; a disk that refuses only costs the next read a trip to the database. */
  private async recache(v: ModelVersion, files: Array<[string, Uint8Array]>, problem: Error): Promise<void> {
    try {
      if (await this.store.has(v.model, v.version)) {
        this.log.warn({ model: v.model, version: v.version, problem: problem.message }, "this machine's copy of the version is damaged: rebuilt from the database");
      }
      // Whatever is left of the folder goes: a restore does not write over one.
      await this.store.remove(v.model, v.version);
      await this.store.restore(v.model, v.version, files);
    } catch (err) {
      this.log.warn({ model: v.model, version: v.version, err: (err as Error).message }, "this machine's copy of the version could not be rebuilt: read from the database");
    }
  }

  private async refuse(v: ModelVersion, problem: string) {
    this.log.error({ model: v.model, version: v.version, problem }, 'model version failed its checks');
    if (v.status !== 'active' && v.status !== 'rejected') {
      await this.table.setStatusRecorded(v.model, v.version, 'rejected', `files failed their checks: ${problem}`, { model: v.model, version: v.version, action: 'rejected', reason: problem });
    }
    return AR_ERR.MODEL_ARTIFACT_CORRUPT([v.model, v.version, problem]);
  }

  /** Checks files and loading, then lets the predictor go. */
  async verify(model: string, version: string): Promise<void> {
    const opened = await this.open(model, version);
    opened.predictor.dispose?.();
  }

  async readReport(model: string, version: string): Promise<string | null> {
    const v = await this.get(model, version);
    const data = await this.readExtra(v, REPORT);
    return data ? data.toString('utf8') : null;
  }

  /** The input-feature histograms of the training data (or, with SERVING_FEATURES, of what serving scores), kept for drift monitoring. */
  async readFeatures(model: string, version: string, file: typeof FEATURES | typeof SERVING_FEATURES = FEATURES): Promise<FeatureHistogram[] | null> {
    const v = await this.get(model, version);
    const data = await this.readExtra(v, file);
    return data ? (JSON.parse(data.toString('utf8')) as FeatureHistogram[]) : null;
  }

  private async readExtra(v: ModelVersion, name: string): Promise<Buffer | null> {
    try {
      return await this.readHealing(v, (source) => this.store.readExtra(v.model, v.version, name, v.checksums, source));
    } catch (err) {
      if (!(err instanceof DamagedFiles)) throw err;
      throw AR_ERR.MODEL_ARTIFACT_CORRUPT([v.model, v.version, err.message]);
    }
  }

  /** Why `v` is not known to be at least as good as the active version; null when it is. */
  private unproven(v: ModelVersion, active: ModelVersion | null): string | null {
    if (v.status === 'rejected') return `${v.id} was rejected (${v.statusReason ?? 'no reason recorded'})`;
    // Nothing vouches for it, even with no version to beat: promotion never makes such a version the first one either.
    if (v.primaryValue === null || !Number.isFinite(v.primaryValue)) return `the ${v.primaryMetric} of ${v.id} could not be measured on its holdout`;
    if (!active) return null;
    const tolerance = this.toleranceOf(v.model);
    const metric = v.primaryMetric;
    if (v.comparison && v.comparison.champion === active.version) {
      const c = v.comparison;
      return c.notWorse ? null
        : `${metric} ${formatMetric(c.challengerValue)} is worse than ${formatMetric(c.championValue)} of the active ${active.id} on the same holdout`;
    }
    if (v.holdoutFingerprint === active.holdoutFingerprint && active.primaryMetric === metric) {
      return isNotWorse(v.primaryValue, active.primaryValue, v.metricDirection, tolerance) ? null
        : `${metric} ${formatMetric(v.primaryValue)} is worse than ${formatMetric(active.primaryValue)} of the active ${active.id} on the same holdout`;
    }
    return `${v.id} was never compared with the active ${active.id} on the same holdout`;
  }

  /**
   * Manual activation. Refused when the files fail their checks, whatever
   * `force` says; refused without `force` when the version is rejected, worse
   * than the active one, or not compared with it. A forced activation is recorded.
   */
  async activate(model: string, version: string, options: ActivateOptions = {}): Promise<ModelVersion> {
    const v = await this.get(model, version);
    await this.verify(model, version);
    if (v.status === 'active') return v;
    const active = await this.table.active(model);
    const doubt = this.unproven(v, active);
    if (doubt && !options.force) throw AR_ERR.MODEL_WORSE([`${doubt}: pass force: true to activate it anyway`]);
    const forced = doubt != null;
    const reason = forced
      ? `forced by ${options.actor ?? 'an analyst'}${options.reason ? `: ${options.reason}` : ''} (${doubt})`
      : `activated by ${options.actor ?? 'an analyst'}${options.reason ? `: ${options.reason}` : ''}`;
    await this.switchActive(model, version, active?.version ?? null, { action: 'activated', reason, forced, actor: options.actor });
    return this.get(model, version);
  }

  /**
   * Automatic promotion of a candidate: activated when its files check and load
   * and its primary metric is not worse than the champion's on the same holdout;
   * rejected with the reason otherwise.
   */
  async promote(model: string, version: string, options: PromoteOptions = {}): Promise<PromotionDecision> {
    // Another version went live between the comparison and the switch: compare again with it.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.promoteOnce(model, version, options);
      } catch (err) {
        if (attempt >= PROMOTION_ATTEMPTS || (err as { code?: string }).code !== 'AR_ERR_CONFLICT') throw err;
        this.log.info({ model, version, attempt }, 'the active version changed during promotion; comparing again');
      }
    }
  }

  private async promoteOnce(model: string, version: string, options: PromoteOptions): Promise<PromotionDecision> {
    const v = await this.get(model, version);
    const decision = (activated: boolean, status: VersionStatus, reason: string, comparison: Comparison | null): PromotionDecision =>
      ({ model, version, activated, status, reason, comparison });
    if (v.status === 'active') return decision(true, 'active', 'already active', v.comparison);
    try {
      await this.verify(model, version);
    } catch (err) {
      return decision(false, 'rejected', (err as Error).message, null);
    }
    const { kind } = this.entry(model);
    if (v.primaryValue === null || !Number.isFinite(v.primaryValue)) {
      // Nothing to compare, and nothing to vouch for it: an empty window or holdout must not become the served model.
      const reason = `its ${v.primaryMetric} could not be measured on the holdout (too little data in the window?); activate it explicitly with force if it must serve`;
      await this.reject(v, reason, options.actor);
      return decision(false, 'rejected', reason, null);
    }
    const active = await this.table.active(model);
    if (!active) {
      const reason = 'first active version of the model';
      await this.switchActive(model, version, null, { action: 'promoted', reason, actor: options.actor });
      return decision(true, 'active', reason, null);
    }

    let championValue: number | null;
    let note = '';
    if (options.championMetrics && options.championMetrics.version === active.version) {
      championValue = primaryValue(options.championMetrics.metrics, v.primaryMetric);
    } else if (options.holdout !== undefined) {
      try {
        const champion = await this.open(model, active.version);
        try {
          championValue = primaryValue(await kind.evaluate(champion.artifact, options.holdout), v.primaryMetric);
        } finally {
          champion.predictor.dispose?.();
        }
      } catch (err) {
        // A champion that cannot be read or evaluated any more is no bar to a sound challenger.
        championValue = null;
        note = ` (the active version could not be evaluated: ${(err as Error).message})`;
      }
    } else if (active.holdoutFingerprint === v.holdoutFingerprint && active.primaryMetric === v.primaryMetric) {
      championValue = active.primaryValue;
    } else {
      const reason = `not compared: ${active.id} was evaluated on another holdout; retrain or activate explicitly with force`;
      await this.reject(v, reason, options.actor);
      return decision(false, 'rejected', reason, null);
    }

    const tolerance = this.toleranceOf(model);
    const comparison: Comparison = {
      champion: active.version,
      metric: v.primaryMetric,
      direction: v.metricDirection,
      tolerance,
      challengerValue: v.primaryValue,
      championValue,
      holdoutFingerprint: v.holdoutFingerprint,
      notWorse: isNotWorse(v.primaryValue, championValue, v.metricDirection, tolerance),
      at: new Date().toISOString(),
    };
    await this.table.setComparison(model, version, comparison);
    const versus = `${v.primaryMetric} ${formatMetric(v.primaryValue)} vs ${formatMetric(championValue)} for the active ${active.id} on the same holdout (tolerance ${tolerance})${note}`;
    if (!comparison.notWorse) {
      const reason = `worse than the active version: ${versus}`;
      await this.reject(v, reason, options.actor);
      return decision(false, 'rejected', reason, comparison);
    }
    const reason = `not worse than the active version: ${versus}`;
    await this.switchActive(model, version, active.version, { action: 'promoted', reason, actor: options.actor });
    return decision(true, 'active', reason, comparison);
  }

  /** Back to the version that was active before the current one. */
  async rollback(model: string, options: { actor?: string | null; reason?: string | null } = {}): Promise<ModelVersion> {
    const current = await this.active(model);
    if (!current) throw AR_ERR.CONFLICT([`Model "${model}" has no active version to roll back`]);
    const stack = activationStack(await this.table.activations(model));
    // A history that does not end on the live version (rows lost), or that older code left with nothing under
    // it, says less than the version's own pointer: that one is followed, one step.
    const trusted = stack.at(-1) === current.version && (stack.length > 1 || current.previousVersion === null);
    const target = trusted ? stack.at(-2) : current.previousVersion;
    if (!target) throw AR_ERR.CONFLICT([`${current.id} is the first active version of "${model}": there is nothing to roll back to`]);
    await this.verify(model, target);
    const reason = `rolled back from ${current.version} by ${options.actor ?? 'an analyst'}${options.reason ? `: ${options.reason}` : ''}`;
    await this.switchActive(model, target, current.version, { action: 'rolled-back', reason, actor: options.actor, rollbackTo: trusted ? (stack.at(-3) ?? null) : null });
    return this.get(model, target);
  }

  private async reject(v: ModelVersion, reason: string, actor?: string | null): Promise<void> {
    await this.table.setStatusRecorded(v.model, v.version, 'rejected', reason, { model: v.model, version: v.version, action: 'rejected', reason, actor });
    this.log.warn({ model: v.model, version: v.version, reason }, 'model version rejected');
  }

  private async switchActive(
    model: string,
    version: string,
    expected: string | null,
    how: {
      action: ModelEvent['action']; reason: string; forced?: boolean; actor?: string | null;
      /** On a rollback: the version a further rollback goes to. */
      rollbackTo?: string | null;
    },
  ): Promise<void> {
    const rollback = how.rollbackTo !== undefined;
    const switched = await this.table.transactionFor(model, async (tx) => {
      const current = await this.table.active(model, tx);
      // Already active (a concurrent request won): switched again, it would become its own previous version.
      if (current?.version === version) return false;
      if ((current?.version ?? null) !== expected) {
        throw AR_ERR.CONFLICT([`The active version of "${model}" changed meanwhile (now ${current?.version ?? 'none'}); retry`]);
      }
      if (current) {
        await this.table.retire(tx, model, current.version, rollback ? `rolled back to ${version}` : `replaced by ${version}`);
      }
      await this.table.makeActive(tx, model, version, how.reason, rollback ? (how.rollbackTo ?? null) : (current?.version ?? null));
      await this.table.addEvent(
        { model, version, action: how.action, fromVersion: current?.version ?? null, forced: how.forced, actor: how.actor, reason: how.reason },
        tx,
      );
      return true;
    });
    if (!switched) return;
    this.log.info({ model, version, action: how.action, forced: how.forced ?? false }, 'model version activated');
    for (const listener of this.listeners) {
      try {
        listener({ model, version });
      } catch (err) {
        this.log.error({ err, model, version }, 'activation listener failed');
      }
    }
  }
}
