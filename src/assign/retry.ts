// A run the service sets off (the refresh's, a rule change's) that stops
// because customers changed, or a person locked a field or a group, while it
// applied (AR_ERR_CONFLICT, nothing written) would otherwise wait for the next
// import or night. It is planned again from fresh data and applied at once, a
// bounded number of times, each attempt a run of its own: the one that stopped
// stays failed in the history, the next names it (retryOfRunId). A retry is an
// ordinary run: its plan reads the locks (the one saved mid-run holds its field
// back), the hysteresis memberships and the dwell clocks as any run does, and
// the attempt that stopped changed none of them.
import { setTimeout as sleep } from 'node:timers/promises';
import { isArError } from '../errors.js';
import type { Db, Queryable } from '../db/sql.js';
import { executeRun, getRun, type ExecuteOptions, type RunSummary } from './runs.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Wait before the second attempt; doubled before each one after. */
  backoffMs: number;
}

/** Short: what stopped the run was one write landing while it applied, and a person waits for the rules to hold. */
export const CONFLICT_RETRY: RetryPolicy = { attempts: 3, backoffMs: 1000 };

/** The wait before the attempt after `attempt`. */
export const backoffAfter = (policy: RetryPolicy, attempt: number): number => policy.backoffMs * 2 ** (attempt - 1);

/** A run stopped with nothing written because its customers moved while it applied (write.ts); other failures are not retried. */
export const stoppedByConflict = (err: unknown): boolean => isArError(err) && err.code === 'AR_ERR_CONFLICT';

export interface RetryOptions extends ExecuteOptions {
  /** The job executing the attempts: each retry is recorded as its run, so a worker that dies is taken over as before. */
  jobId: string;
  policy?: RetryPolicy;
  /** Stops the wait between attempts (a cancelled job, a shutdown): the conflict is then the outcome. */
  signal?: AbortSignal;
}

/**
 * Executes the run, or the latest attempt at it (a job taken over after its
 * worker died), retrying as a new run while it stops on a conflict, up to the
 * policy's attempts. Answers with the run that applied; throws the last error.
 */
export async function executeRetryingConflicts(db: Db, runId: number, options: RetryOptions): Promise<RunSummary & { runId: number }> {
  const policy = options.policy ?? CONFLICT_RETRY;
  let id = await latestAttempt(db, runId);
  for (;;) {
    try {
      return { runId: id, ...(await executeRun(db, id, options)) };
    } catch (err) {
      const { attempt } = await getRun(db, id);
      if (!stoppedByConflict(err) || attempt >= policy.attempts || options.signal?.aborted) throw err;
      const wait = backoffAfter(policy, attempt);
      await options.progress?.(0, `run ${id} stopped (${(err as Error).message}); attempt ${attempt + 1} of ${policy.attempts} in ${wait} ms`);
      await sleep(wait, undefined, { signal: options.signal }).catch(() => { throw err; });
      id = await retryRun(db, id, options.jobId);
    }
  }
}

/** The last run of the chain of retries that starts at `runId` (itself when none). */
async function latestAttempt(q: Queryable, runId: number): Promise<number> {
  const [{ id }] = await q.query<{ id: number }>(
    `WITH RECURSIVE chain AS (
       SELECT id FROM assignment_runs WHERE id = $1
       UNION ALL SELECT r.id FROM assignment_runs r JOIN chain c ON r.retry_of_run_id = c.id
     ) SELECT max(id) AS id FROM chain`,
    [runId],
  );
  return id ?? runId;
}

/**
 * Records the run retrying a failed one: same kind, trigger, scope and asker,
 * the next attempt. One retry per run (a unique key): two attempts of one job
 * retrying it at once share it.
 */
export async function retryRun(q: Queryable, failedRunId: number, jobId: string): Promise<number> {
  const [made] = await q.query<{ id: number }>(
    `INSERT INTO assignment_runs (kind, trigger, scope, requested_by, job_id, attempt, retry_of_run_id)
     SELECT kind, trigger, scope, requested_by, $2, attempt + 1, id FROM assignment_runs WHERE id = $1
     ON CONFLICT (retry_of_run_id) DO NOTHING RETURNING id`,
    [failedRunId, jobId],
  );
  if (made) return made.id;
  const [{ id }] = await q.query<{ id: number }>('SELECT id FROM assignment_runs WHERE retry_of_run_id = $1', [failedRunId]);
  return id;
}
