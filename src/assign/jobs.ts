// Runs as jobs: on demand (API), after a rule change (whole portfolio,
// set-based SQL) and after customers changed (an import, new model outputs:
// only those customers, evaluated in memory). One handler for all; progress is
// reported through the job. The nightly run is the refresh's last step
// (src/pipeline/refresh.ts), after the models have rescored everyone.
import type { Db } from '../db/sql.js';
import { notQueuedAfterChange, type Jobs } from '../jobs/jobs.js';
import type { JobHandler } from '../jobs/types.js';
import { isArError } from '../errors.js';
import { createRun, executeRun, failRun, setRunJob, type RunRequest, type RunSummary } from './runs.js';
import { CONFLICT_RETRY, executeRetryingConflicts, type RetryPolicy } from './retry.js';

export const ASSIGN_RUN_JOB = 'assign.run';

export interface AssignRunJobData {
  /** The run recorded before the job was queued, trigger and scope included. */
  runId: number;
  /**
   * A run the service set off: stopped by a conflict, it is retried as a new
   * run (retry.ts). A run a person asked for ends as it is: its id is theirs to poll.
   */
  retryConflicts?: boolean;
}

/** The result names the run that applied: a later attempt than `runId` when the first stopped on a conflict. */
export function makeAssignRunHandler(db: Db, retry: RetryPolicy = CONFLICT_RETRY): JobHandler<AssignRunJobData, RunSummary & { runId: number }> {
  return async (ctx) => {
    const { runId, retryConflicts } = ctx.data;
    await ctx.progress(0.02, `run ${runId}: loading rules and customers`);
    const progress = (f: number, m: string) => ctx.progress(f, m);
    if (retryConflicts) return executeRetryingConflicts(db, runId, { jobId: ctx.id, policy: retry, signal: ctx.signal, progress });
    return { runId, ...(await executeRun(db, runId, { progress })) };
  };
}

/**
 * Records a queued run and hands it to the job runner. A queue that is down
 * is refused before the run is recorded; one lost just after leaves the run
 * failed, and named in the error.
 */
export async function requestRun(db: Db, jobs: Jobs, req: RunRequest): Promise<{ runId: number; jobId: string }> {
  await jobs.assertReachable();
  return queueRun(db, jobs, req, false);
}

async function queueRun(db: Db, jobs: Jobs, req: RunRequest, retryConflicts: boolean): Promise<{ runId: number; jobId: string }> {
  const runId = await createRun(db, req);
  let jobId: string;
  try {
    jobId = await jobs.enqueue<AssignRunJobData>(ASSIGN_RUN_JOB, { runId, retryConflicts }, { jobId: `assign-run-${runId}` });
  } catch (err) {
    await failRun(db, runId, err);
    if (isArError(err)) err.extras = { ...err.extras, runId };
    throw err;
  }
  await setRunJob(db, runId, jobId);
  return { runId, jobId };
}

/**
 * The run a saved change sets off (a rule, a search rules use). Its caller
 * checked the queue before committing (jobs.assertReachable), so it is not
 * asked again; lost since, the run is recorded as failed and the error says
 * the change stands and the run did not start.
 */
export async function runAfterChange(db: Db, jobs: Jobs, change: string, req: RunRequest): Promise<{ runId: number; jobId: string }> {
  try {
    return await queueRun(db, jobs, req, true);
  } catch (err) {
    const runId = isArError(err) ? err.extras?.runId : undefined;
    throw notQueuedAfterChange(err, change, `the assignment run it sets off${runId ? ` (run ${runId}, recorded as failed)` : ''}`,
      'run the rules with POST /v1/assign/runs once it is back');
  }
}

/** Beyond this many changed customers, one set-based portfolio run is cheaper than loading each one's facts. */
export const IN_MEMORY_LIMIT = 5000;

/** After an import or a rescoring: re-evaluates these customers (in memory when they are few). */
export async function runForCustomers(db: Db, jobs: Jobs, customerIds: number[]): Promise<{ runId: number; jobId: string }> {
  const scope = customerIds.length > IN_MEMORY_LIMIT ? {} : { customerIds: [...new Set(customerIds)].sort((a, b) => a - b) };
  await jobs.assertReachable();
  return queueRun(db, jobs, { trigger: 'customer_change', scope }, true);
}
