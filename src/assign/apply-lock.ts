// The advisory lock every apply and undo holds for its whole transaction: two
// never interleave. A change that must not meet a run half done (an edit of
// the criteria a run judges hysteresis members by) takes it too, or is refused.
import { AR_ERR } from '../errors.js';
import type { Queryable } from '../db/sql.js';

const ASSIGN_LOCK = 0x4153_5347;

/** When nothing says how long the run takes (no run finished before it). */
const DEFAULT_WAIT_SECONDS = 5;

/** Waits for a run applying now, and keeps others from starting, until the transaction ends. */
export async function lockApplies(q: Queryable): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock($1)', [ASSIGN_LOCK]);
}

/**
 * The key of the lock an attempt at a run holds for its whole apply transaction (runs.ts, hashtext of it): whoever
 * gets it knows no attempt is executing the run, so the sweep of abandoned runs (sweep.ts) leaves a run so held alone.
 */
const RUN_LOCK_PREFIX = 'assignment-run:';
export const runLockKey = (runId: number) => `${RUN_LOCK_PREFIX}${runId}`;

/**
 * Who holds the apply lock, from the locks the server lists (this database's):
 * the run whose own lock the same backend holds, else an undo (its run row is
 * not committed yet). Not the oldest run marked running: a run stopped with its
 * process, or waiting for its retry, stays marked running without applying.
 * How long it has to go is the last run of its kind's length less what it has
 * run: an undo takes a fraction of a run, so one is no measure of the other.
 */
const HOLDER_SQL = `WITH holder AS (
  SELECT k.pid FROM pg_locks k
  WHERE k.locktype = 'advisory' AND k.granted AND k.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND k.classid = 0 AND k.objid = $1::int8::oid AND k.objsubid = 1
), applying AS (
  SELECT r.id, r.started_at FROM assignment_runs r
  WHERE r.status = 'running' AND EXISTS (
    SELECT 1 FROM pg_locks k JOIN holder h ON h.pid = k.pid
    WHERE k.locktype = 'advisory' AND k.granted AND k.objsubid = 1
      -- A bigint key is listed as its high half (classid) and its low half (objid).
      AND ((k.classid::int8 << 32) | k.objid::int8) = hashtext($2 || r.id)::int8)
  LIMIT 1
)
SELECT a.id, extract(epoch FROM
    (SELECT l.finished_at - l.started_at FROM assignment_runs l
     WHERE l.kind = CASE WHEN a.id IS NULL THEN 'undo' ELSE 'apply' END AND l.status IN ('applied', 'undone') AND l.finished_at IS NOT NULL
     ORDER BY l.finished_at DESC LIMIT 1)
    - (clock_timestamp() - COALESCE(a.started_at, (SELECT s.xact_start FROM pg_stat_activity s JOIN holder h ON h.pid = s.pid LIMIT 1))))::float8 AS remaining
FROM (SELECT 1) one LEFT JOIN applying a ON true`;

/**
 * Takes the lock when no run or undo holds it; else refuses at once (409
 * AR_ERR_RUN_APPLYING, nothing saved) with when to send the change again: the
 * last run's length less what this one has run. Waiting instead held a credit
 * manager's save for as long as the run (16.5 s applying 100 rules over 100,000
 * customers, bench/rules.ts), with the rule set locked for every other save.
 */
export async function lockAppliesOrRefuse(q: Queryable, change: string): Promise<void> {
  const [{ locked }] = await q.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [ASSIGN_LOCK]);
  if (locked) return;
  const [run] = await q.query<{ id: number | null; remaining: number | null }>(HOLDER_SQL, [ASSIGN_LOCK, RUN_LOCK_PREFIX]);
  const seconds = Math.min(600, Math.max(1, Math.ceil(run?.remaining ?? DEFAULT_WAIT_SECONDS)));
  const runId = run?.id ?? null;
  throw AR_ERR.RUN_APPLYING([runId !== null ? `assignment run ${runId}` : 'an undo', change, seconds], { runId, retryAfter: seconds });
}
