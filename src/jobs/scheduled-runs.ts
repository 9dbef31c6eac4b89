// Instances that share one PostgreSQL database without Redis run their jobs
// in-process, and every one of them fires every schedule: without a claim the
// nightly refresh (and a retraining) ran once per instance on the same data.
// BullMQ needs none (a schedule in Redis is one job per firing), nor PGlite
// (one process).
//
// A firing is claimed when its job starts, not when its timer fires: an
// instance held by a long job (or hung in one) would otherwise claim firings it
// only gets to much later, or never. It is keyed by the time it was scheduled
// for, which every instance computes alike from the same cron, so an instance
// that died mid-run holds that firing alone: the next one is free.
import type { Queryable } from '../db/sql.js';

/** Claims of firings are kept this long: as far back as anyone would ask who ran one. */
const KEEP_DAYS = 30;

export interface ScheduledFiring {
  schedulerId: string;
  scheduledAt: Date;
  jobId: string;
}

/**
 * Takes the firing for `instanceId`: null when it is this instance's to run
 * (taken now, or earlier by itself), else the instance that took it.
 */
export async function claimScheduledRun(db: Queryable, firing: ScheduledFiring, instanceId: string): Promise<string | null> {
  const { schedulerId, scheduledAt, jobId } = firing;
  const inserted = await db.query(
    `INSERT INTO scheduled_runs (scheduler_id, scheduled_at, instance_id, job_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (scheduler_id, scheduled_at) DO NOTHING RETURNING instance_id`,
    [schedulerId, scheduledAt.toISOString(), instanceId, jobId],
  );
  if (inserted.length === 0) {
    // Read in a statement of its own: a claim committed while the insert waited on it is not in the insert's snapshot.
    const [taken] = await db.query<{ instanceId: string }>(
      `SELECT instance_id AS "instanceId" FROM scheduled_runs WHERE scheduler_id = $1 AND scheduled_at = $2`,
      [schedulerId, scheduledAt.toISOString()],
    );
    if (taken && taken.instanceId !== instanceId) return taken.instanceId;
  }
  await db.query(`DELETE FROM scheduled_runs WHERE scheduled_at < now() - make_interval(days => $1)`, [KEEP_DAYS]);
  return null;
}
