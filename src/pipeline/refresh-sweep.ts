// The outbox's other half (refresh-requests.ts): rows an import committed
// wanting a refresh that was never queued get one. That is an import whose
// process died between its commit and its hand-over, or whose hand-over
// found the queue's Redis down (its outcome said refreshError): the refresh is
// queued once the queue answers again, without anyone having to ask for it.
import type { Db } from '../db/sql.js';
import type { JobRunner } from '../jobs/types.js';
import { startPeriodic, type Periodic } from '../jobs/periodic.js';
import { silentLogger, type Logger } from '../ml/registry/types.js';
import { unqueuedRefresh } from './refresh-requests.js';
import { requestRefresh } from './refresh.js';

export interface RefreshSweepOptions {
  /** How old a mark no refresh followed must be before the sweep queues one: the import's own hand-over comes first. */
  graceMs: number;
}

export const REFRESH_SWEEP_DEFAULTS = { graceMs: 30_000, everyMs: 30_000 } as const;

/** Queues the refresh that rows committed by an import still wait for; what it queued, or null. */
export async function sweepUnqueuedRefresh(
  db: Db,
  jobs: Pick<JobRunner, 'enqueue'>,
  options: RefreshSweepOptions,
): Promise<{ wantedAt: string; jobId: string } | null> {
  const wantedAt = await unqueuedRefresh(db, options.graceMs);
  if (!wantedAt) return null;
  return { wantedAt, jobId: await requestRefresh(db, jobs, 'import') };
}

/** Sweeps now, then every `everyMs`; while the queue refuses, one line in the log, not one per tick. */
export function startRefreshSweeper(
  db: Db,
  jobs: Pick<JobRunner, 'enqueue'>,
  options: Partial<RefreshSweepOptions> & { everyMs?: number; log?: Logger } = {},
): Periodic {
  const log = options.log ?? silentLogger;
  const { graceMs, everyMs } = { ...REFRESH_SWEEP_DEFAULTS, ...options };
  let failing = false;
  return startPeriodic(
    async () => {
      const queued = await sweepUnqueuedRefresh(db, jobs, { graceMs });
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
