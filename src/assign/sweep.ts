// Runs nothing will finish. A run's job takes over the run an attempt left
// queued or running when it is retried (runForJob, or the same run id again),
// but BullMQ gives a job up for good when it stalled too often or failed its
// last attempt, a refresh retried after another refresh covered it never
// reaches its run, and a process that dies takes its in-process jobs with it.
// The sweep marks those runs failed, saying why, so that nobody waits on them.
//
// A run in progress is never swept: the attempt executing it holds its lock
// (runLockKey) for its whole transaction, a job the runner has active or
// waiting will take its run over, and a run started again since the sweep
// read it is left alone.
import type { Db } from '../db/sql.js';
import type { JobInfo } from '../jobs/types.js';
import { AR_ERR } from '../errors.js';
import { silentLogger, type Logger } from '../ml/registry/types.js';
import { runLockKey } from './apply-lock.js';
import { startPeriodic, type Periodic } from '../jobs/periodic.js';

export interface SweepOptions {
  /**
   * A run whose job the runner does not know (none queued for it, one forgotten,
   * or an in-process job of another process) is left this long since it was
   * queued or last started before it counts as abandoned.
   */
  staleAfterMs: number;
}

export interface SweptRun {
  id: number;
  jobId: string | null;
  reason: string;
}

interface OpenRun {
  id: number;
  jobId: string | null;
  /** When it was queued or last started: a run started again since the sweep read it is not touched. */
  since: Date;
  idleMs: number;
}

type JobLookup = { get(id: string): Promise<Pick<JobInfo, 'state'> | null> };

/** Why a run counts as abandoned; null while its job may still finish it. */
function abandonment(run: OpenRun, job: Pick<JobInfo, 'state'> | null, staleAfterMs: number): string | null {
  // Running, or a retry is coming that will take the run over.
  if (job?.state === 'active' || job?.state === 'waiting') return null;
  if (job) return `its job ${run.jobId} is ${job.state} and will not finish it`;
  if (run.idleMs < staleAfterMs) return null;
  const minutes = Math.round(run.idleMs / 60_000);
  return run.jobId
    ? `the job runner does not know its job ${run.jobId} and the run has not moved for ${minutes} minutes`
    : `no job was queued for it and it has waited ${minutes} minutes`;
}

export async function sweepAbandonedRuns(db: Db, jobs: JobLookup, options: SweepOptions): Promise<SweptRun[]> {
  const runs = await db.query<OpenRun>(
    `SELECT id, job_id AS "jobId", coalesce(started_at, created_at) AS since,
       (extract(epoch FROM clock_timestamp() - coalesce(started_at, created_at)) * 1000)::float8 AS "idleMs"
     FROM assignment_runs WHERE status IN ('queued', 'running') ORDER BY id`,
  );
  const swept: SweptRun[] = [];
  for (const run of runs) {
    const job = run.jobId ? await jobs.get(run.jobId) : null;
    const reason = abandonment(run, job, options.staleAfterMs);
    if (reason && (await failUnlessExecuting(db, run, reason))) swept.push({ id: run.id, jobId: run.jobId, reason });
  }
  return swept;
}

async function failUnlessExecuting(db: Db, run: OpenRun, reason: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [{ free }] = await tx.query<{ free: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS free', [runLockKey(run.id)]);
    if (!free) return false;
    const err = AR_ERR.RUN_ABANDONED([reason]);
    const failed = await tx.query(
      `UPDATE assignment_runs SET status = 'failed', error = $3::jsonb, finished_at = clock_timestamp()
       WHERE id = $1 AND status IN ('queued', 'running') AND coalesce(started_at, created_at) = $2 RETURNING id`,
      [run.id, run.since, JSON.stringify({ code: err.code, message: err.message })],
    );
    return failed.length > 0;
  });
}

/** Sweeps now, then every `everyMs` (10 minutes by default). */
export function startRunSweeper(db: Db, jobs: JobLookup, options: SweepOptions & { everyMs?: number; log?: Logger }): Periodic {
  const log = options.log ?? silentLogger;
  return startPeriodic(
    async () => {
      for (const run of await sweepAbandonedRuns(db, jobs, options)) {
        log.warn({ runId: run.id, jobId: run.jobId, reason: run.reason }, 'assignment run abandoned: marked failed');
      }
    },
    options.everyMs ?? 10 * 60_000,
    (err) => log.error({ err }, 'the sweep of abandoned assignment runs failed'),
  );
}
