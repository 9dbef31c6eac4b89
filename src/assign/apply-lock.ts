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
 * Takes the lock when no run or undo holds it; else refuses at once (409
 * AR_ERR_RUN_APPLYING, nothing saved) with when to send the change again: the
 * last run's length less what this one has run. Waiting instead held a credit
 * manager's save for as long as the run (16.5 s applying 100 rules over 100,000
 * customers, bench/rules.ts), with the rule set locked for every other save.
 */
export async function lockAppliesOrRefuse(q: Queryable, change: string): Promise<void> {
  const [{ locked }] = await q.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [ASSIGN_LOCK]);
  if (locked) return;
  const [run] = await q.query<{ id: number; remaining: number | null }>(
    `SELECT r.id, extract(epoch FROM (SELECT l.finished_at - l.started_at FROM assignment_runs l
         WHERE l.status IN ('applied', 'undone') AND l.finished_at IS NOT NULL ORDER BY l.finished_at DESC LIMIT 1)
       - (clock_timestamp() - r.started_at))::float8 AS remaining
     FROM assignment_runs r WHERE r.status = 'running' ORDER BY r.started_at LIMIT 1`,
  );
  const seconds = Math.min(600, Math.max(1, Math.ceil(run?.remaining ?? DEFAULT_WAIT_SECONDS)));
  throw AR_ERR.RUN_APPLYING([run ? `assignment run ${run.id}` : 'an undo', change, seconds], { runId: run?.id ?? null, retryAfter: seconds });
}
