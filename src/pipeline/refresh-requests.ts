// A refresh asked for at time T is answered by any refresh that starts after
// T: it reads everything committed before. So a sync of a hundred files runs
// the refresh at most twice (the one running when the files land, then one
// more), an import landing while a refresh runs is never left out, and no
// job id has to stay unique while a queue keeps its finished jobs.
// Both times come from the database's clock, which every process shares.
import type { Queryable } from '../db/sql.js';

const LAST_START_KEY = 'refresh-last-start';

/** The database's clock now, at full precision, to stamp a request for a refresh once its data is committed. */
export async function refreshRequestTime(db: Queryable): Promise<string> {
  const [row] = await db.query<{ at: string }>(`SELECT to_jsonb(clock_timestamp()) #>> '{}' AS at`);
  return row.at;
}

/**
 * Records that a refresh starts now, unless one started after `requestedAt`
 * already (it covers this request): then returns that start and records
 * nothing. A refresh nobody asked for at a given time (nightly, manual) always starts.
 */
export async function claimRefresh(db: Queryable, requestedAt: string | null): Promise<{ started: true } | { started: false; coveredBy: string }> {
  const claimed = await db.query(
    `INSERT INTO service_state (key, value) VALUES ($1, jsonb_build_object('startedAt', clock_timestamp()))
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
     WHERE $2::timestamptz IS NULL OR (service_state.value->>'startedAt')::timestamptz <= $2::timestamptz
     RETURNING key`,
    [LAST_START_KEY, requestedAt],
  );
  if (claimed.length > 0) return { started: true };
  const [row] = await db.query<{ at: string }>(`SELECT value->>'startedAt' AS at FROM service_state WHERE key = $1`, [LAST_START_KEY]);
  return { started: false, coveredBy: row.at };
}
