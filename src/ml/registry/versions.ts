// The model_versions and model_events tables, through the small SQL layer so
// the same statements run on PostgreSQL and PGlite.
import type { Db, Queryable } from '../../db/sql.js';
import type { Comparison, ModelEvent, ModelVersion, VersionStatus } from './types.js';

interface VersionRow {
  model: string;
  version: string;
  status: VersionStatus;
  status_reason: string | null;
  primary_metric: string;
  metric_direction: 'higher' | 'lower';
  primary_value: number | null;
  metrics: Record<string, number | null>;
  dataset: string | null;
  window_from: string | null;
  window_to: string | null;
  data_fingerprint: string;
  holdout_fingerprint: string;
  code_version: string;
  checksums: Record<string, string>;
  comparison: Comparison | null;
  previous_version: string | null;
  has_report: boolean;
  created_at: Date | string;
  activated_at: Date | string | null;
  retired_at: Date | string | null;
  job_id: string | null;
}

const iso = (d: Date | string | null): string | null => (d == null ? null : new Date(d).toISOString());

// JSON has no NaN: a metric that could not be computed is stored as null and read back as NaN.
const metricsIn = (m: Record<string, number>) =>
  JSON.stringify(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Number.isFinite(v) ? v : null])));
const metricsOut = (m: Record<string, number | null>) =>
  Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, v == null ? NaN : v]));

function toVersion(r: VersionRow): ModelVersion {
  return {
    model: r.model,
    version: r.version,
    id: `${r.model}@${r.version}`,
    status: r.status,
    statusReason: r.status_reason,
    primaryMetric: r.primary_metric,
    metricDirection: r.metric_direction,
    primaryValue: r.primary_value,
    metrics: metricsOut(r.metrics),
    dataset: r.dataset,
    window: { from: r.window_from, to: r.window_to },
    dataFingerprint: r.data_fingerprint,
    holdoutFingerprint: r.holdout_fingerprint,
    codeVersion: r.code_version,
    checksums: r.checksums,
    comparison: r.comparison,
    previousVersion: r.previous_version,
    hasReport: r.has_report,
    createdAt: iso(r.created_at)!,
    activatedAt: iso(r.activated_at),
    retiredAt: iso(r.retired_at),
    jobId: r.job_id,
  };
}

export type NewVersion = Omit<ModelVersion, 'id' | 'status' | 'statusReason' | 'comparison' | 'previousVersion' | 'activatedAt' | 'retiredAt'>;

export interface NewEvent {
  model: string;
  version: string;
  action: ModelEvent['action'];
  fromVersion?: string | null;
  forced?: boolean;
  actor?: string | null;
  reason?: string | null;
}

export class VersionTable {
  constructor(private readonly db: Db) {}

  /** The new row; null when another attempt of the same job recorded a version of the model first. */
  async insert(v: NewVersion, q: Queryable = this.db): Promise<ModelVersion | null> {
    const [row] = await q.query<VersionRow>(
      `INSERT INTO model_versions (model, version, status, primary_metric, metric_direction, primary_value, metrics,
         dataset, window_from, window_to, data_fingerprint, holdout_fingerprint, code_version, checksums, has_report, created_at, job_id)
       VALUES ($1, $2, 'candidate', $3, $4, $5, $6::jsonb, $7, $8::date, $9::date, $10, $11, $12, $13::jsonb, $14, $15::timestamptz, $16)
       ON CONFLICT (model, job_id) DO NOTHING
       RETURNING *`,
      [v.model, v.version, v.primaryMetric, v.metricDirection, v.primaryValue, metricsIn(v.metrics), v.dataset,
        v.window.from, v.window.to, v.dataFingerprint, v.holdoutFingerprint, v.codeVersion, JSON.stringify(v.checksums),
        v.hasReport, v.createdAt, v.jobId],
    );
    return row ? toVersion(row) : null;
  }

  /** The version a train job recorded, if it did. */
  async ofJob(model: string, jobId: string, q: Queryable = this.db): Promise<ModelVersion | null> {
    const [row] = await q.query<VersionRow>('SELECT * FROM model_versions WHERE model = $1 AND job_id = $2', [model, jobId]);
    return row ? toVersion(row) : null;
  }

  async get(model: string, version: string, q: Queryable = this.db): Promise<ModelVersion | null> {
    const [row] = await q.query<VersionRow>('SELECT * FROM model_versions WHERE model = $1 AND version = $2', [model, version]);
    return row ? toVersion(row) : null;
  }

  async list(model: string, limit = 100): Promise<ModelVersion[]> {
    const rows = await this.db.query<VersionRow>(
      'SELECT * FROM model_versions WHERE model = $1 ORDER BY created_at DESC, version DESC LIMIT $2',
      [model, limit],
    );
    return rows.map(toVersion);
  }

  async active(model: string, q: Queryable = this.db): Promise<ModelVersion | null> {
    const [row] = await q.query<VersionRow>("SELECT * FROM model_versions WHERE model = $1 AND status = 'active'", [model]);
    return row ? toVersion(row) : null;
  }

  /** model → active version, one cheap query: what serving processes poll. */
  async activeVersions(): Promise<Map<string, string>> {
    const rows = await this.db.query<{ model: string; version: string }>(
      "SELECT model, version FROM model_versions WHERE status = 'active'",
    );
    return new Map(rows.map((r) => [r.model, r.version]));
  }

  async countsByModel(): Promise<Map<string, number>> {
    const rows = await this.db.query<{ model: string; n: number }>('SELECT model, count(*)::int AS n FROM model_versions GROUP BY model');
    return new Map(rows.map((r) => [r.model, Number(r.n)]));
  }

  /** A status change and its event, together or not at all. */
  async setStatusRecorded(model: string, version: string, status: 'rejected' | 'candidate', reason: string, event: NewEvent): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.setStatus(model, version, status, reason, tx);
      await this.addEvent(event, tx);
    });
  }

  async setStatus(model: string, version: string, status: 'rejected' | 'candidate', reason: string, q: Queryable = this.db): Promise<void> {
    await q.query(
      "UPDATE model_versions SET status = $3, status_reason = $4 WHERE model = $1 AND version = $2 AND status <> 'active'",
      [model, version, status, reason],
    );
  }

  async setComparison(model: string, version: string, comparison: Comparison, q: Queryable = this.db): Promise<void> {
    await q.query('UPDATE model_versions SET comparison = $3::jsonb WHERE model = $1 AND version = $2', [model, version, JSON.stringify(comparison)]);
  }

  /** One transaction holding the model's lock: status changes of a model never interleave, whichever process makes them. */
  transactionFor<T>(model: string, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(hashtext('model_versions:' || $1))", [model]);
      return fn(tx);
    });
  }

  async retire(q: Queryable, model: string, version: string, reason: string): Promise<void> {
    await q.query(
      "UPDATE model_versions SET status = 'retired', status_reason = $3, retired_at = now() WHERE model = $1 AND version = $2",
      [model, version, reason],
    );
  }

  /** Makes a version active; `previousVersion` is where a rollback from it goes. */
  async makeActive(q: Queryable, model: string, version: string, reason: string, previousVersion: string | null): Promise<void> {
    await q.query(
      `UPDATE model_versions SET status = 'active', status_reason = $3, activated_at = now(), retired_at = NULL,
         previous_version = $4
       WHERE model = $1 AND version = $2`,
      [model, version, reason, previousVersion],
    );
  }

  async addEvent(e: NewEvent, q: Queryable = this.db): Promise<void> {
    await q.query(
      'INSERT INTO model_events (model, version, action, from_version, forced, actor, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [e.model, e.version, e.action, e.fromVersion ?? null, e.forced ?? false, e.actor ?? null, e.reason ?? null],
    );
  }

  /** A version's files, kept beside its row: what another machine rebuilds the folder from. */
  async insertFiles(q: Queryable, model: string, version: string, files: Array<[string, Uint8Array]>): Promise<void> {
    for (const [path, bytes] of files) {
      await q.query('INSERT INTO model_files (model, version, path, bytes) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [model, version, path, bytes]);
    }
  }

  /** Versions registered before the database kept files (migration 20261206100000_model_files). */
  async withoutFiles(): Promise<ModelVersion[]> {
    const rows = await this.db.query<VersionRow>(
      'SELECT * FROM model_versions v WHERE NOT EXISTS (SELECT 1 FROM model_files f WHERE f.model = v.model AND f.version = v.version) ORDER BY model, created_at',
    );
    return rows.map(toVersion);
  }

  async files(model: string, version: string): Promise<Array<[string, Uint8Array]>> {
    const rows = await this.db.query<{ path: string; bytes: Uint8Array }>(
      'SELECT path, bytes FROM model_files WHERE model = $1 AND version = $2 ORDER BY path',
      [model, version],
    );
    return rows.map((r) => [r.path, r.bytes]);
  }

  /** Activations and rollbacks of a model in the order they happened. */
  async activations(model: string, q: Queryable = this.db): Promise<Pick<ModelEvent, 'action' | 'version'>[]> {
    return q.query<Pick<ModelEvent, 'action' | 'version'>>(
      "SELECT action, version FROM model_events WHERE model = $1 AND action IN ('activated', 'promoted', 'rolled-back') ORDER BY id",
      [model],
    );
  }

  async events(model: string, version?: string, limit = 100): Promise<ModelEvent[]> {
    const rows = await this.db.query<{
      id: number; model: string; version: string; action: ModelEvent['action']; from_version: string | null;
      forced: boolean; actor: string | null; reason: string | null; at: Date | string;
    }>(
      `SELECT * FROM model_events WHERE model = $1 AND ($2::text IS NULL OR version = $2 OR from_version = $2)
       ORDER BY at DESC, id DESC LIMIT $3`,
      [model, version ?? null, limit],
    );
    return rows.map((r) => ({
      id: r.id, model: r.model, version: r.version, action: r.action, fromVersion: r.from_version,
      forced: r.forced, actor: r.actor, reason: r.reason, at: iso(r.at)!,
    }));
  }
}
