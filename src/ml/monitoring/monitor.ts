// Input drift monitoring: recent inputs of a model are compared, feature by
// feature, with the histograms stored with the version at training time. Every
// check is recorded (GET /v1/models/:model/monitoring); one over the threshold
// is also logged as a warning.
import type { Db } from '../../db/sql.js';
import type { ModelRegistry } from '../registry/registry.js';
import { silentLogger, type Logger } from '../registry/types.js';
import { SERVING_FEATURES } from '../registry/artifact-store.js';
import { tallyAgainst, type FeatureColumns, type FeatureHistogram, type FeatureTally } from './histogram.js';
import { DEFAULT_PSI_THRESHOLD, featurePsi, featurePsiOfCounts, type FeaturePsi } from './psi.js';

export interface DriftCheck {
  id: number;
  model: string;
  version: string;
  /** Where the recent inputs came from: "scoring", "retrain", ... */
  source: string;
  rows: number;
  threshold: number;
  maxPsi: number;
  alert: boolean;
  features: FeaturePsi[];
  checkedAt: string;
}

export interface MonitorOptions {
  db: Db;
  registry: ModelRegistry;
  threshold?: number;
  log?: Logger;
}

interface CheckRow {
  id: number; model: string; version: string; source: string; rows: number; threshold: number;
  max_psi: number; alert: boolean; features: FeaturePsi[]; checked_at: Date | string;
}

const toCheck = (r: CheckRow): DriftCheck => ({
  id: r.id, model: r.model, version: r.version, source: r.source, rows: r.rows, threshold: r.threshold,
  maxPsi: r.max_psi, alert: r.alert, features: r.features, checkedAt: new Date(r.checked_at).toISOString(),
});

/** `<model>@<version>` → version. */
export const versionOf = (served: string): string => served.slice(served.indexOf('@') + 1);

/** PSI of what a tally counted against its reference, largest first; null when it counted no row. */
export function tallyPsi(tally: FeatureTally, threshold: number): FeaturePsi[] | null {
  return tally.rows === 0 ? null : featurePsiOfCounts(tally.reference, tally.counts(), threshold);
}

/** What a check says of its features: the largest PSI, and whether any is past the threshold. */
export const verdictOf = (features: readonly FeaturePsi[]) => ({ maxPsi: features.length ? features[0].psi : 0, alert: features.some((f) => f.alert) });

/** What a rescoring needs of a monitor to check the inputs it scores (ModelMonitor records the checks; MemoryMonitor keeps nothing). */
export interface InputMonitor {
  servingTally(model: string, served: string, columns: readonly string[]): Promise<FeatureTally | null>;
  checkTally(model: string, served: string, tally: FeatureTally, source: string): Promise<DriftCheck | null>;
}

function rowCount(columns: FeatureColumns): number {
  return Object.values(columns).reduce((n, c) => Math.max(n, c.length), 0);
}

export class ModelMonitor implements InputMonitor {
  readonly threshold: number;
  private readonly log: Logger;

  constructor(private readonly options: MonitorOptions) {
    this.threshold = options.threshold ?? DEFAULT_PSI_THRESHOLD;
    this.log = options.log ?? silentLogger;
  }

  /**
   * Compares recent feature values with a version's training histograms and
   * records the check. Null when the version kept no histograms.
   */
  async checkFeatures(model: string, version: string, recent: FeatureColumns, source: string, reference?: FeatureHistogram[]): Promise<DriftCheck | null> {
    const histograms = reference ?? (await this.options.registry.readFeatures(model, version));
    if (!histograms) return null;
    const rows = rowCount(recent);
    if (rows === 0) return null;
    return this.record(model, version, source, rows, featurePsi(histograms, recent, this.threshold));
  }

  /**
   * A tally of what a rescoring scores against the serving reference of a
   * served version (`<model>@<version>`), or null when that version kept none
   * (trained before rescorings were checked) or it cannot be read: the
   * rescoring goes on without the check, and the log says why.
   */
  async servingTally(model: string, served: string, columns: readonly string[]): Promise<FeatureTally | null> {
    const version = versionOf(served);
    try {
      const reference = await this.options.registry.readFeatures(model, version, SERVING_FEATURES);
      return tallyAgainst(reference, columns);
    } catch (err) {
      this.log.warn({ model, version, err: (err as Error).message }, 'the serving reference could not be read: this rescoring checks no input drift');
      return null;
    }
  }

  /** Records the drift of what a tally counted (nothing when it counted no row). */
  async checkTally(model: string, served: string, tally: FeatureTally, source: string): Promise<DriftCheck | null> {
    const features = tallyPsi(tally, this.threshold);
    return features && this.record(model, versionOf(served), source, tally.rows, features);
  }

  /** The newest check of each model made by `source`, for the /metrics gauges. */
  async latest(source: string): Promise<DriftCheck[]> {
    const rows = await this.options.db.query<CheckRow>(
      `SELECT DISTINCT ON (model) * FROM model_drift_checks WHERE source = $1 ORDER BY model, checked_at DESC, id DESC`,
      [source],
    );
    return rows.map(toCheck);
  }

  private async record(model: string, version: string, source: string, rows: number, features: FeaturePsi[]): Promise<DriftCheck> {
    const { maxPsi, alert } = verdictOf(features);
    const [row] = await this.options.db.query<CheckRow>(
      `INSERT INTO model_drift_checks (model, version, source, rows, threshold, max_psi, alert, features)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb) RETURNING *`,
      [model, version, source, rows, this.threshold, maxPsi, alert, JSON.stringify(features)],
    );
    if (alert) {
      this.log.warn(
        { model, version, source, rows, shifted: features.filter((f) => f.alert).map((f) => ({ feature: f.feature, psi: Number(f.psi.toFixed(3)) })) },
        `input drift: ${features.filter((f) => f.alert).map((f) => f.feature).join(', ')} moved beyond PSI ${this.threshold} since training`,
      );
    }
    return toCheck(row);
  }

  /**
   * Drift of scoring inputs against the active version, through the catalogue
   * entry's `inputFeatures`, from inputs held in memory. The refresh's
   * rescoring streams its rows through servingTally and checkTally instead.
   */
  async checkInputs(model: string, inputs: unknown[], source = 'scoring'): Promise<DriftCheck | null> {
    const entry = this.options.registry.entry(model);
    if (!entry.inputFeatures || inputs.length === 0) return null;
    const active = await this.options.registry.active(model);
    if (!active) return null;
    const opened = await this.options.registry.open(model, active.version);
    opened.predictor.dispose?.();
    return this.checkFeatures(model, active.version, entry.inputFeatures(opened.artifact, inputs), source);
  }

  async list(model: string, options: { limit?: number; alertsOnly?: boolean; source?: string } = {}): Promise<DriftCheck[]> {
    const rows = await this.options.db.query<CheckRow>(
      `SELECT * FROM model_drift_checks WHERE model = $1 AND ($2::boolean IS NOT TRUE OR alert) AND ($4::text IS NULL OR source = $4)
       ORDER BY checked_at DESC, id DESC LIMIT $3`,
      [model, options.alertsOnly ?? false, options.limit ?? 50, options.source ?? null],
    );
    return rows.map(toCheck);
  }
}
