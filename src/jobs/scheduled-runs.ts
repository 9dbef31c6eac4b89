// Instances that share one PostgreSQL database without Redis run their jobs
// in-process, and every one of them fires every schedule: without a claim the
// nightly refresh (and a retraining) ran once per instance on the same data.
// BullMQ needs none (a schedule in Redis is one job per firing). The embedded
// PGlite (one process) claims its firings too: nothing else there retries a
// failed nightly refresh before the next night, nor runs again one whose process
// was killed mid-run once it restarts.
//
// A firing is claimed when its job starts, not when its timer fires: an
// instance held by a long job (or hung in one) would otherwise claim firings it
// only gets to much later, or never. It is keyed by the time it was scheduled
// for, which every instance computes alike from the same cron.
//
// A claim is a lease its holder renews while the job runs, and the holder
// records how the job ended. A failed firing may be claimed again after a
// back-off, and one whose holder stopped renewing (it died, or hangs with its
// event loop held) once the lease has lapsed, by whichever instance looks
// first, up to a number of attempts: otherwise a night's refresh that failed on
// one instance waited for the next night while the others stood idle. One that
// completed, or that someone cancelled, is never run again.
import type { Queryable } from '../db/sql.js';
import { isoSql } from '../db/sql.js';
import type { JobInfo } from './types.js';

/** Claims of firings are kept this long: as far back as anyone would ask who ran one. */
const KEEP_DAYS = 30;

export interface ScheduledFiring {
  schedulerId: string;
  scheduledAt: Date;
  /** The firing's job id, its first attempt's: `<scheduler>-<scheduledAt>`. */
  jobId: string;
  /** The attempt its job is to make: 1 (the default) for a timer's firing, the next one for a firing claimed again. */
  attempt?: number;
}

/**
 * The job id of a firing's attempt: the firing's own for the first, `<jobId>-attempt-<n>`
 * for the n-th. Each attempt is a job of its own, whose record (GET /v1/jobs/:id)
 * stays as it ended; a retry no longer overwrote the failed attempt's.
 */
export function attemptJobId(firing: Pick<ScheduledFiring, 'jobId' | 'attempt'>): string {
  const attempt = firing.attempt ?? 1;
  return attempt <= 1 ? firing.jobId : `${firing.jobId}-attempt-${attempt}`;
}

export interface ScheduledRunPolicy {
  /** Claims of one firing, the first included: a firing failed this often is left failed. */
  maxAttempts: number;
  /** How long a claim holds without being renewed; renewed every third of it while the job runs. */
  leaseMs: number;
  /** Wait before a failed firing may be claimed again, doubled at each attempt. */
  retryAfterMs: number;
}

// A minute's lease renewed every 20 s: an instance whose event loop is only held
// for a while keeps its firing. Five then ten minutes between attempts: a
// failure that is the database restarting has time to pass, and three attempts
// end within a quarter of an hour of the night's first.
export const DEFAULT_SCHEDULED_RUN_POLICY: ScheduledRunPolicy = { maxAttempts: 3, leaseMs: 60_000, retryAfterMs: 5 * 60_000 };

/** The attempt of this instance's, or the firing's holder and state when it is not this instance's to run. */
export type Claim = { attempt: number } | { takenBy: string; state: string; attempts: number };

/** How a claimed attempt ended: `handedBack` when its instance stopped it by shutting down. */
export interface AttemptOutcome {
  state: 'completed' | 'failed' | 'cancelled';
  error: JobInfo['error'];
  handedBack: boolean;
}

export interface ScheduledRunRow {
  schedulerId: string;
  scheduledAt: string;
  state: string;
  attempts: number;
  instanceId: string;
  jobId: string;
  /** The job of each attempt counted, the first (jobId) first: the latest is the current or last one. */
  attemptJobIds: string[];
  claimedAt: string;
  leaseUntil: string;
  retryAt: string | null;
  finishedAt: string | null;
  error: JobInfo['error'];
  /** No instance runs it again: it failed at its last attempt, or its last attempt's holder stopped renewing its lease. */
  givenUp: boolean;
}

const ms = (param: string) => `${param}::int * interval '1 millisecond'`;

/**
 * A row another instance may claim now: failed with its back-off over, or
 * running with its lease lapsed; and no later firing of its schedule claimed.
 * A later firing does the same work on newer data (a night's refresh, a
 * retraining): after an outage, yesterday's failed refresh is not run beside
 * today's.
 */
const CLAIMABLE = (t: string, maxAttempts: string) =>
  `${t}.attempts < ${maxAttempts} AND ((${t}.state = 'failed' AND ${t}.retry_at <= now())
     OR (${t}.state = 'running' AND ${t}.lease_until < now()))
   AND NOT EXISTS (SELECT 1 FROM scheduled_runs later
                   WHERE later.scheduler_id = ${t}.scheduler_id AND later.scheduled_at > ${t}.scheduled_at)`;

/**
 * Takes the firing for `instanceId` when nobody holds it, or when it failed or its holder's lease lapsed,
 * as the attempt its job is to make (firing.attempt): a job queued for attempt 2 that starts once another
 * instance made it leaves the firing to the job of the next, named for it (attemptJobId).
 * The row keeps the firing's job id, the first attempt's.
 */
export async function claimScheduledRun(db: Queryable, firing: ScheduledFiring, instanceId: string, policy: ScheduledRunPolicy): Promise<Claim> {
  const { schedulerId, scheduledAt, jobId } = firing;
  const key = [schedulerId, scheduledAt.toISOString()];
  // The state is named: a row without one is a claim of an instance that records no outcome (migration 20261216060000).
  const [claimed] = await db.query<{ attempts: number }>(
    `INSERT INTO scheduled_runs (scheduler_id, scheduled_at, instance_id, job_id, state, lease_until)
     VALUES ($1, $2, $3, $4, 'running', now() + ${ms('$5')})
     ON CONFLICT (scheduler_id, scheduled_at) DO UPDATE SET instance_id = EXCLUDED.instance_id,
       claimed_at = now(), state = 'running', attempts = scheduled_runs.attempts + 1, lease_until = EXCLUDED.lease_until,
       retry_at = NULL, finished_at = NULL
     WHERE ${CLAIMABLE('scheduled_runs', '$6')} AND scheduled_runs.attempts = $7::int - 1
     RETURNING attempts`,
    [...key, instanceId, jobId, policy.leaseMs, policy.maxAttempts, firing.attempt ?? 1],
  );
  if (claimed) {
    await db.query(`DELETE FROM scheduled_runs WHERE scheduled_at < now() - make_interval(days => $1)`, [KEEP_DAYS]);
    return { attempt: claimed.attempts };
  }
  // Read in a statement of its own: a claim committed while the insert waited on it is not in the insert's snapshot.
  const [taken] = await db.query<{ instanceId: string; state: string; attempts: number }>(
    `SELECT instance_id AS "instanceId", state, attempts FROM scheduled_runs WHERE scheduler_id = $1 AND scheduled_at = $2`,
    key,
  );
  if (!taken) throw new Error(`scheduled run ${schedulerId} at ${key[1]} neither claimed nor found`);
  return { takenBy: taken.instanceId, state: taken.state, attempts: taken.attempts };
}

/** Extends the holder's lease; false when the attempt is no longer its own (another instance took it over). */
export async function renewScheduledRun(db: Queryable, firing: ScheduledFiring, instanceId: string, attempt: number, leaseMs: number): Promise<boolean> {
  const renewed = await db.query(
    `UPDATE scheduled_runs SET lease_until = now() + ${ms('$5')}
     WHERE scheduler_id = $1 AND scheduled_at = $2 AND instance_id = $3 AND attempts = $4 AND state = 'running'
     RETURNING 1`,
    [firing.schedulerId, firing.scheduledAt.toISOString(), instanceId, attempt, leaseMs],
  );
  return renewed.length > 0;
}

/** The wait before a firing whose attempt `attempt` failed may be claimed again; null when none is left. */
export function retryDelayMs(attempt: number, outcome: AttemptOutcome, policy: ScheduledRunPolicy): number | null {
  if (outcome.state !== 'failed') return null;
  // Stopped by its instance's shutdown, it is handed to the others at once, as BullMQ hands a job back,
  // and uses up no attempt (finishScheduledRun): the job did not fail.
  if (outcome.handedBack) return 0;
  return attempt >= policy.maxAttempts ? null : policy.retryAfterMs * 2 ** (attempt - 1);
}

/**
 * Records how the holder's attempt ended, with when it may be tried again;
 * null when the attempt was no longer its own, else that time (null when none).
 * An attempt handed back at shutdown is not counted: a rolling restart of three
 * instances during the night's refresh used up its three attempts.
 */
export async function finishScheduledRun(
  db: Queryable, firing: ScheduledFiring, instanceId: string, attempt: number, outcome: AttemptOutcome, retryInMs: number | null,
): Promise<{ retryAt: string | null } | null> {
  const [row] = await db.query<{ retryAt: string | null }>(
    `UPDATE scheduled_runs SET state = $5, finished_at = now(), lease_until = now(), error = COALESCE($6::jsonb, error),
       retry_at = CASE WHEN $7::int IS NULL THEN NULL ELSE now() + ${ms('$7')} END,
       attempts = attempts - CASE WHEN $8::boolean THEN 1 ELSE 0 END
     WHERE scheduler_id = $1 AND scheduled_at = $2 AND instance_id = $3 AND attempts = $4 AND state = 'running'
     RETURNING ${isoSql('retry_at')} AS "retryAt"`,
    [firing.schedulerId, firing.scheduledAt.toISOString(), instanceId, attempt, outcome.state,
      outcome.error ? JSON.stringify(outcome.error) : null, retryInMs, outcome.handedBack],
  );
  return row ?? null;
}

/** The firings of these schedules that may be claimed again now, oldest first, each as its next attempt. */
export async function claimableScheduledRuns(db: Queryable, schedulerIds: string[], maxAttempts: number): Promise<ScheduledFiring[]> {
  if (schedulerIds.length === 0) return [];
  const rows = await db.query<{ schedulerId: string; scheduledAt: string; jobId: string; attempts: number }>(
    `SELECT scheduler_id AS "schedulerId", ${isoSql('scheduled_at')} AS "scheduledAt", job_id AS "jobId", attempts
     FROM scheduled_runs r WHERE scheduler_id = ANY($1::text[]) AND ${CLAIMABLE('r', '$2')}
     ORDER BY scheduled_at LIMIT 20`,
    [schedulerIds, maxAttempts],
  );
  return rows.map((r) => ({ schedulerId: r.schedulerId, jobId: r.jobId, scheduledAt: new Date(r.scheduledAt), attempt: r.attempts + 1 }));
}

/**
 * A row as the listing and the gauges read it. A lapsed lease at the last attempt is never
 * taken over (CLAIMABLE), so such a row stays `running`: it is told given up by the
 * database's clock, as the claims read leases.
 */
const ROW_COLUMNS = (maxAttempts: string) => `scheduler_id AS "schedulerId", ${isoSql('scheduled_at')} AS "scheduledAt", state, attempts,
            instance_id AS "instanceId", job_id AS "jobId", ${isoSql('claimed_at')} AS "claimedAt",
            ${isoSql('lease_until')} AS "leaseUntil", ${isoSql('retry_at')} AS "retryAt",
            ${isoSql('finished_at')} AS "finishedAt", error,
            (state = 'failed' AND retry_at IS NULL) OR (state = 'running' AND lease_until < now() AND attempts >= ${maxAttempts}) AS "givenUp"`;

/** The latest firings of every schedule, newest first: what GET /v1/jobs/scheduled-runs answers. */
export async function recentScheduledRuns(db: Queryable, limit: number, maxAttempts: number): Promise<ScheduledRunRow[]> {
  return withAttemptJobIds(await db.query<RowRead>(
    `SELECT ${ROW_COLUMNS('$2')} FROM scheduled_runs ORDER BY scheduled_at DESC, scheduler_id LIMIT $1`,
    [limit, maxAttempts],
  ));
}

type RowRead = Omit<ScheduledRunRow, 'attemptJobIds'>;

/** A claim names its attempt's job (claimScheduledRun), so the attempts counted name every job; a first attempt handed back (0) ran too. */
function withAttemptJobIds(rows: RowRead[]): ScheduledRunRow[] {
  return rows.map((r) => ({
    ...r,
    attemptJobIds: Array.from({ length: Math.max(1, r.attempts) }, (_, i) => attemptJobId({ jobId: r.jobId, attempt: i + 1 })),
  }));
}

/**
 * Each schedule's latest firing, what the gauges read: not the newest firings of all
 * schedules, of which a frequent one (an hourly retraining of five models) fills any number.
 */
export async function latestScheduledRuns(db: Queryable, maxAttempts: number): Promise<ScheduledRunRow[]> {
  return withAttemptJobIds(await db.query<RowRead>(
    `SELECT DISTINCT ON (scheduler_id) ${ROW_COLUMNS('$1')} FROM scheduled_runs ORDER BY scheduler_id, scheduled_at DESC`,
    [maxAttempts],
  ));
}
