// Writes suggestions into `actions`, idempotently. The dedupe key is the
// identity: a suggestion already planned is updated in place (new amounts,
// new collector), one a person already closed is left alone, and a planned
// action the planner no longer suggests (invoice paid, promise kept, status
// changed) is cancelled, to be planned again if the situation comes back. Actions without a planner key (manual ones, other
// modules') are never touched.
import type { Db, Queryable } from '../db/sql.js';
import { withScope, type PlanningScope } from './facts.js';
import { plannerKeySql } from './keys.js';
import type { Suggestion } from './types.js';

export interface MaterialiseResult {
  /** Tasks offered to the writer (automatic steps are not actions). */
  tasks: number;
  inserted: number;
  updated: number;
  unchanged: number;
  cancelled: number;
}

const UPSERT_SQL = `WITH s AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS s(
    dedupe_key text, customer_id int, invoice_id int, collector_id int, type text, due_date date,
    origin text, reason text, reasons jsonb)
),
-- What the facts named may have been deleted since they were read (an import, while a portfolio run plans a
-- chunk): its task is left out rather than failing the run on the foreign key, the collector's left unassigned.
-- The delete recorded the customer changed (stored-plan.ts): the agenda plans it live until the next run.
k AS (
  SELECT dedupe_key, customer_id, invoice_id, (SELECT id FROM collectors WHERE id = s.collector_id) AS collector_id,
    type, due_date, origin, reason, reasons
  FROM s WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = s.customer_id)
    AND (s.invoice_id IS NULL OR EXISTS (SELECT 1 FROM invoices i WHERE i.id = s.invoice_id))
), up AS (
  INSERT INTO actions AS a (dedupe_key, customer_id, invoice_id, collector_id, type, due_date, origin, reason, reasons, status)
  SELECT dedupe_key, customer_id, invoice_id, collector_id, type, due_date, origin, reason, reasons, 'planned' FROM k
  ON CONFLICT (dedupe_key) DO UPDATE SET
    invoice_id = EXCLUDED.invoice_id, collector_id = EXCLUDED.collector_id, type = EXCLUDED.type,
    due_date = EXCLUDED.due_date, reason = EXCLUDED.reason, reasons = EXCLUDED.reasons, status = 'planned'
  WHERE (a.status = 'planned'
      AND (a.invoice_id, a.collector_id, a.type, a.due_date, a.reason, a.reasons)
          IS DISTINCT FROM (EXCLUDED.invoice_id, EXCLUDED.collector_id, EXCLUDED.type, EXCLUDED.due_date, EXCLUDED.reason, EXCLUDED.reasons))
    -- The planner cancelled it and the situation is back (payment reversed, status cleared): plan it again.
    OR (a.status = 'cancelled' AND a.done_at IS NULL)
  RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated,
  ((SELECT count(*) FROM s) - (SELECT count(*) FROM k))::int AS gone
FROM up`;

// done_at stays empty: it records when a person closed an action, and the
// planner's cancellations must not start a follow-up's waiting time.
const CANCEL_SQL = (cte: string) => `WITH ${cte}
UPDATE actions a SET status = 'cancelled'
WHERE a.status = 'planned' AND ${plannerKeySql('a.dedupe_key')}
  AND a.customer_id IN (SELECT id FROM sc) AND NOT (a.dedupe_key = ANY($1::text[]))
RETURNING a.id`;

function row(s: Suggestion) {
  return {
    dedupe_key: s.dedupeKey,
    customer_id: s.customerId,
    invoice_id: s.invoiceId,
    collector_id: s.collectorId,
    type: s.type,
    due_date: s.dueDate,
    origin: s.origin,
    reason: s.reason,
    reasons: s.reasons,
  };
}

/** Inserts or refreshes tasks by dedupe key; closed ones stay closed; `gone`: left out, their customer or invoice deleted. */
export async function upsertTasks(q: Queryable, tasks: Suggestion[]): Promise<{ inserted: number; updated: number; gone: number }> {
  const [counts] = await q.query<{ inserted: number; updated: number; gone: number }>(UPSERT_SQL, [JSON.stringify(tasks.map(row))]);
  return counts;
}

/**
 * Materialises the tasks among `suggestions`, which must be the complete
 * planner output for `scope`: anything planned in that scope and missing
 * from it is cancelled.
 */
export async function materialiseSuggestions(db: Db, suggestions: Suggestion[], scope: PlanningScope): Promise<MaterialiseResult> {
  const seen = new Set<string>();
  const tasks = suggestions.filter((s) => s.task && !seen.has(s.dedupeKey) && seen.add(s.dedupeKey));
  return db.transaction(async (tx) => {
    let inserted = 0;
    let updated = 0;
    let gone = 0;
    if (tasks.length > 0) ({ inserted, updated, gone } = await upsertTasks(tx, tasks));
    const { cte, params } = withScope(scope, [tasks.map((t) => t.dedupeKey)]);
    const cancelled = await tx.query<{ id: number }>(CANCEL_SQL(cte), params);
    return { tasks: tasks.length, inserted, updated, unchanged: tasks.length - inserted - updated - gone, cancelled: cancelled.length };
  });
}
