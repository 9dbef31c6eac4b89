// A refresh asked for at time T is answered by any refresh that started after
// T and completed: it read everything committed before. So a sync of a
// hundred files runs the refresh once or twice, an import landing while a
// refresh runs is never left out, and no job id has to stay unique while a
// queue keeps its finished jobs. A refresh that fails covers nothing, so the
// requests it would have answered (its own retry among them) still run.
// Both times come from the database's clock, which every process shares.
//
// The request itself is an outbox: an import marks, in the transaction that
// commits its rows, that they want a refresh, and every request handed to the
// queue is recorded with its job. A mark no completed refresh followed, and
// no queued one the queue still knows (the process died between the commit
// and the hand-over, the queue's Redis was down, or an in-process queue died
// with its process), is found by the sweep (refresh-sweep.ts), which asks for
// the refresh itself.
import type { Queryable } from '../db/sql.js';
import { advanceServiceState } from '../db/service-state.js';

const LAST_COMPLETED_KEY = 'refresh-last-completed';
const WANTED_KEY = 'refresh-wanted';
const LAST_QUEUED_KEY = 'refresh-last-queued';

/** The database's clock now, at full precision: when data is committed and a refresh asked for, or when a refresh starts. */
export async function databaseNow(db: Queryable): Promise<string> {
  const [row] = await db.query<{ at: string }>(`SELECT to_jsonb(clock_timestamp()) #>> '{}' AS at`);
  return row.at;
}

/** The start of a completed refresh that began after `requestedAt`, or null when none answers the request yet. */
export async function refreshCovering(db: Queryable, requestedAt: string): Promise<string | null> {
  const [row] = await db.query<{ at: string }>(
    `SELECT value->>'startedAt' AS at FROM service_state
     WHERE key = $1 AND (value->>'startedAt')::timestamptz > $2::timestamptz`,
    [LAST_COMPLETED_KEY, requestedAt],
  );
  return row?.at ?? null;
}

/** Records that a refresh which started at `startedAt` completed (kept only if it started later than the one recorded). */
export const recordCompletedRefresh = (db: Queryable, startedAt: string): Promise<void> =>
  advanceServiceState(db, LAST_COMPLETED_KEY, 'startedAt', startedAt, 'timestamptz');

/**
 * In an import's transaction: its rows want a refresh, committed with them or
 * not at all. The mark is the clock a moment before the commit: a refresh
 * someone else's request began in that moment, before the commit, would pass
 * for one that read the rows. That leaves the rows to the nightly refresh only
 * when the import's own hand-over is lost too.
 */
export async function markRefreshWanted(tx: Queryable): Promise<void> {
  await advanceServiceState(tx, WANTED_KEY, 'at', await databaseNow(tx), 'timestamptz');
}

/**
 * A refresh asked for at `requestedAt` is in the queue as job `jobId`: it
 * reads every row committed before, once it runs.
 */
export const recordQueuedRefresh = (db: Queryable, requestedAt: string, jobId: string): Promise<void> =>
  advanceServiceState(db, LAST_QUEUED_KEY, 'at', requestedAt, 'timestamptz', { jobId });

export interface PendingRefresh {
  /** When the latest rows wanting a refresh were marked. */
  wantedAt: string;
  /** The job of the refresh queued since the mark, null when none was: the sweep asks the queue whether it still knows it. */
  queuedJobId: string | null;
}

/**
 * The latest rows wanting a refresh that no refresh completed since has read,
 * once the mark is at least `graceMs` old (the import's own hand-over follows
 * its commit within milliseconds); null otherwise. Being queued is not enough:
 * an in-process queue dies with its process, and a Redis restarted without
 * its data forgets its jobs.
 */
export async function pendingRefresh(db: Queryable, graceMs: number): Promise<PendingRefresh | null> {
  const [row] = await db.query<PendingRefresh>(
    `SELECT w.value->>'at' AS "wantedAt",
       CASE WHEN (q.value->>'at')::timestamptz >= (w.value->>'at')::timestamptz THEN q.value->>'jobId' END AS "queuedJobId"
     FROM service_state w
     LEFT JOIN service_state q ON q.key = $2
     LEFT JOIN service_state d ON d.key = $3
     WHERE w.key = $1
       AND (d.value IS NULL OR (d.value->>'startedAt')::timestamptz <= (w.value->>'at')::timestamptz)
       AND (w.value->>'at')::timestamptz <= clock_timestamp() - make_interval(secs => $4::float8 / 1000)`,
    [WANTED_KEY, LAST_QUEUED_KEY, LAST_COMPLETED_KEY, graceMs],
  );
  return row ?? null;
}
