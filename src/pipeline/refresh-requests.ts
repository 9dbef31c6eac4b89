// A refresh asked for at time T is answered by any refresh that started after
// T and completed: it read everything committed before. So a sync of a
// hundred files runs the refresh once or twice, an import landing while a
// refresh runs is never left out, and no job id has to stay unique while a
// queue keeps its finished jobs. A refresh that fails covers nothing, so the
// requests it would have answered (its own retry among them) still run.
// Both times come from the database's clock, which every process shares.
//
// Whether a refresh read an import's rows is a question of visibility, not of
// clocks: the import's mark is taken before its commit, so a refresh starting
// in between would pass for one that read them. The mark therefore keeps the
// import's transaction id, and a refresh the snapshot it started from: the rows
// were read iff that transaction is visible in that snapshot. Imports take the
// mark's row lock in turn, so the last to write it is the last to commit, and
// its being visible means every earlier one is.
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

/** The database's clock and the snapshot a statement would read from now: what a refresh starting, or asked for, will see. */
export interface DatabaseMoment {
  at: string;
  /** `pg_current_snapshot()`: the transactions committed by now are visible in it, and every later read sees them too. */
  snapshot: string;
}

export async function databaseMoment(db: Queryable): Promise<DatabaseMoment> {
  const [row] = await db.query<DatabaseMoment>(
    `SELECT to_jsonb(clock_timestamp()) #>> '{}' AS at, pg_current_snapshot()::text AS snapshot`,
  );
  return row;
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

/** Records that a refresh which started at `started` completed (kept only if it started later than the one recorded). */
export const recordCompletedRefresh = (db: Queryable, started: DatabaseMoment): Promise<void> =>
  advanceServiceState(db, LAST_COMPLETED_KEY, 'startedAt', started.at, 'timestamptz', { snapshot: started.snapshot });

/**
 * In an import's transaction: its rows want a refresh, committed with them or
 * not at all. Written whatever the mark held: the row lock orders the writers
 * as they commit, so the last value is the last commit's.
 */
export async function markRefreshWanted(tx: Queryable): Promise<void> {
  await tx.query(
    `INSERT INTO service_state (key, value)
     VALUES ($1, jsonb_build_object('at', to_jsonb(clock_timestamp()) #>> '{}', 'xid', pg_current_xact_id()::text))
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [WANTED_KEY],
  );
}

/**
 * A refresh asked for at `requested` is in the queue as job `jobId`: it
 * reads every row committed before, once it runs.
 */
export const recordQueuedRefresh = (db: Queryable, requested: DatabaseMoment, jobId: string): Promise<void> =>
  advanceServiceState(db, LAST_QUEUED_KEY, 'at', requested.at, 'timestamptz', { jobId, snapshot: requested.snapshot });

/**
 * SQL: whether the rows marked in `w` are visible from the moment recorded in
 * `m` (its snapshot, its clock at `clock`). Marks and moments written before
 * they kept a transaction and a snapshot compare by clock, as they did then.
 */
const sawMark = (m: string, clock: string) =>
  `CASE WHEN w.value ? 'xid' AND ${m}.value ? 'snapshot'
     THEN pg_visible_in_snapshot((w.value->>'xid')::xid8, (${m}.value->>'snapshot')::pg_snapshot)
     ELSE (${m}.value->>'${clock}')::timestamptz > (w.value->>'at')::timestamptz END`;

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
       CASE WHEN ${sawMark('q', 'at')} THEN q.value->>'jobId' END AS "queuedJobId"
     FROM service_state w
     LEFT JOIN service_state q ON q.key = $2
     LEFT JOIN service_state d ON d.key = $3
     WHERE w.key = $1
       AND (d.value IS NULL OR NOT ${sawMark('d', 'startedAt')})
       AND (w.value->>'at')::timestamptz <= clock_timestamp() - make_interval(secs => $4::float8 / 1000)`,
    [WANTED_KEY, LAST_QUEUED_KEY, LAST_COMPLETED_KEY, graceMs],
  );
  return row ?? null;
}
