// A refresh asked for at time T is answered by any refresh that started after
// T and completed: it read everything committed before. So a sync of a
// hundred files runs the refresh once or twice, an import landing while a
// refresh runs is never left out, and no job id has to stay unique while a
// queue keeps its finished jobs. A refresh that fails covers nothing, so the
// requests it would have answered (its own retry among them) still run.
// Both times come from the database's clock, which every process shares.
import type { Queryable } from '../db/sql.js';
import { advanceServiceState } from '../db/service-state.js';

const LAST_COMPLETED_KEY = 'refresh-last-completed';

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
