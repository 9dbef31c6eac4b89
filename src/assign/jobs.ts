// Runs as jobs: on demand (API), nightly (scheduler), after a rule change
// (whole portfolio, set-based SQL) and after customers changed (an import,
// new model outputs: only those customers, evaluated in memory). One handler
// for all; progress is reported through the job.
import type { Db } from '../db/sql.js';
import type { Jobs } from '../jobs/jobs.js';
import type { JobHandler } from '../jobs/types.js';
import { createRun, executeRun, runForJob, setRunJob, type RunRequest, type RunSummary, type Trigger } from './runs.js';

export const ASSIGN_RUN_JOB = 'assign.run';
export const NIGHTLY_SCHEDULER_ID = 'assign-nightly';

export interface AssignRunJobData {
  /** A run created by the API; absent for scheduled runs, which create their own. */
  runId?: number;
  trigger?: Trigger;
  customerIds?: number[];
}

export function makeAssignRunHandler(db: Db): JobHandler<AssignRunJobData, RunSummary & { runId: number }> {
  return async (ctx) => {
    const runId = ctx.data.runId ?? (await runForJob(db, ctx.id, {
      trigger: ctx.data.trigger ?? 'nightly',
      scope: ctx.data.customerIds ? { customerIds: ctx.data.customerIds } : {},
    }));
    await ctx.progress(0.02, `run ${runId}: loading rules and customers`);
    const summary = await executeRun(db, runId, { progress: (f, m) => ctx.progress(f, m) });
    return { runId, ...summary };
  };
}

/** Records a queued run and hands it to the job runner. */
export async function requestRun(db: Db, jobs: Jobs, req: RunRequest): Promise<{ runId: number; jobId: string }> {
  const runId = await createRun(db, req);
  const jobId = await jobs.enqueue<AssignRunJobData>(ASSIGN_RUN_JOB, { runId }, { jobId: `assign-run-${runId}` });
  await setRunJob(db, runId, jobId);
  return { runId, jobId };
}

/** Beyond this many changed customers, one set-based portfolio run is cheaper than loading each one's facts. */
export const IN_MEMORY_LIMIT = 5000;

/** After an import or a rescoring: re-evaluates these customers (in memory when they are few). */
export function runForCustomers(db: Db, jobs: Jobs, customerIds: number[]): Promise<{ runId: number; jobId: string }> {
  const scope = customerIds.length > IN_MEMORY_LIMIT ? {} : { customerIds: [...new Set(customerIds)].sort((a, b) => a - b) };
  return requestRun(db, jobs, { trigger: 'customer_change', scope });
}

export function scheduleNightlyAssign(jobs: Jobs, cron: string): Promise<void> {
  return jobs.schedule(NIGHTLY_SCHEDULER_ID, cron, ASSIGN_RUN_JOB, { trigger: 'nightly' } satisfies AssignRunJobData);
}
