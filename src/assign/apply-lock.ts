// The advisory lock every apply and undo holds for its whole transaction: two
// never interleave. A change that must not meet a run half done (an edit of
// the criteria a run judges hysteresis members by) takes it too.
import type { Queryable } from '../db/sql.js';

const ASSIGN_LOCK = 0x4153_5347;

/** Waits for a run applying now, and keeps others from starting, until the transaction ends. */
export async function lockApplies(q: Queryable): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock($1)', [ASSIGN_LOCK]);
}
