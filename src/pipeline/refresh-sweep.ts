// The outbox's other half (refresh-requests.ts): rows an import committed
// wanting a refresh that never came get one. That is an import whose process
// died between its commit and its hand-over, or whose hand-over found the
// queue's Redis down (its outcome said refreshError), or a refresh queued in
// a queue that forgot it (in-process, gone with its process): the refresh is
// queued once the queue answers again, without anyone having to ask for it.
import type { Db } from '../db/sql.js';
import type { JobRunner } from '../jobs/types.js';
import { startPeriodic, type Periodic } from '../jobs/periodic.js';
import { silentLogger, type Logger } from '../ml/registry/types.js';
import { pendingRefresh } from './refresh-requests.js';
import { requestRefresh } from './refresh.js';

export interface RefreshSweepOptions {
  /** How old a mark no refresh followed must be before the sweep queues one: the import's own hand-over comes first. */
  graceMs: number;
}

export const REFRESH_SWEEP_DEFAULTS = { graceMs: 30_000, everyMs: 30_000 } as const;

/**
 * Queues the refresh that rows committed by an import still wait for; what it
 * queued, or null. A refresh queued since the mark is waited for while the job
 * runner knows its job (waiting, running, or over: one that failed for good is
 * left to the nightly refresh, not queued again every tick); one the runner
 * has forgotten (an in-process queue gone with its process, a Redis restarted
 * without its data) is queued again.
 */
export async function sweepPendingRefresh(
  db: Db,
  jobs: Pick<JobRunner, 'enqueue' | 'get'>,
  options: RefreshSweepOptions & { log?: Logger },
): Promise<{ wantedAt: string; jobId: string } | null> {
  const pending = await pendingRefresh(db, options.graceMs);
  if (!pending) return null;
  if (pending.queuedJobId !== null && (await jobs.get(pending.queuedJobId)) !== null) return null;
  return { wantedAt: pending.wantedAt, jobId: await requestRefresh(db, jobs, 'import', options.log) };
}

/** Sweeps now, then every `everyMs`; while the queue refuses, one line in the log, not one per tick. */
export function startRefreshSweeper(
  db: Db,
  jobs: Pick<JobRunner, 'enqueue' | 'get'>,
  options: Partial<RefreshSweepOptions> & { everyMs?: number; log?: Logger } = {},
): Periodic {
  const log = options.log ?? silentLogger;
  const { graceMs, everyMs } = { ...REFRESH_SWEEP_DEFAULTS, ...options };
  let failing = false;
  return startPeriodic(
    async () => {
      const queued = await sweepPendingRefresh(db, jobs, { graceMs, log });
      failing = false;
      if (queued) log.warn(queued, 'refresh queued for imported data whose own refresh was never queued');
    },
    everyMs,
    (err) => {
      if (!failing) log.error({ err }, 'the sweep for imported data waiting for a refresh failed; tried again every tick');
      failing = true;
    },
  );
}
