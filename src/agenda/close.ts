// A person closes an action: done, or cancelled as not relevant. done_at
// records when, for both: it starts the waiting time before a recurring
// follow-up comes back, and a closed scenario step counts as handled.
import type { Db } from '../db/sql.js';
import { AR_ERR } from '../errors.js';
import { loadPlanningFacts } from './facts.js';
import { isPlannerKey } from './keys.js';
import { upsertTasks } from './materialise.js';
import { planAgenda } from './plan.js';
import type { AgendaPolicy } from './policy.js';
import type { IsoDate } from './types.js';
import { INT4_MAX } from '../util/bounds.js';

export type Closing = 'done' | 'cancelled';

export interface ClosedAction {
  id: number;
  status: Closing;
  doneAt: string;
}

export async function collectorIdOf(db: Db, externalId: string): Promise<number> {
  const [row] = await db.query<{ id: number }>('SELECT id FROM collectors WHERE external_id = $1', [externalId]);
  if (!row) throw AR_ERR.NOT_FOUND(['Collector', externalId]);
  return row.id;
}

/**
 * Closes a planned action. `asCollector` (an internal collector id) limits
 * the caller to the actions of that collector's customers: the customer's
 * collector now, as the agenda shows them, not the one it was planned for
 * before a rule or an import moved the customer.
 */
export async function closeAction(db: Db, id: number, status: Closing, asCollector?: number): Promise<ClosedAction> {
  const [action] = await db.query<{ status: string; collectorId: number | null }>(
    'SELECT a.status, c.collector_id AS "collectorId" FROM actions a JOIN customers c ON c.id = a.customer_id WHERE a.id = $1',
    [id],
  );
  if (!action) throw AR_ERR.NOT_FOUND(['Action', String(id)]);
  if (asCollector !== undefined && action.collectorId !== asCollector) {
    throw AR_ERR.FORBIDDEN(['collector', `close action ${id}: it is assigned to another collector`]);
  }
  const [closed] = await db.query<{ id: number; status: Closing; doneAt: Date | string }>(
    `UPDATE actions SET status = $2, done_at = now() WHERE id = $1 AND status = 'planned'
     RETURNING id, status, done_at AS "doneAt"`,
    [id, status],
  );
  if (!closed) throw AR_ERR.CONFLICT([`Action ${id} is already ${action.status === 'planned' ? 'closed' : action.status}`]);
  return { id: closed.id, status: closed.status, doneAt: new Date(closed.doneAt).toISOString() };
}

const CUSTOMER_IN_KEY = /:c(\d{1,10})(?=[:#]|$)/;

export interface CloseSuggestionOptions {
  date: IsoDate;
  policy: AgendaPolicy;
  /** Limits the caller to the suggestions of this collector (internal id). */
  asCollector?: number;
}

/**
 * Closes a suggestion the agenda shows before any planning run stored it
 * (state 'suggested', no id): the customer is planned again, and if the
 * suggestion still stands it is stored and closed at once.
 */
export async function closeSuggestion(db: Db, dedupeKey: string, status: Closing, o: CloseSuggestionOptions): Promise<ClosedAction> {
  const m = isPlannerKey(dedupeKey) ? CUSTOMER_IN_KEY.exec(dedupeKey) : null;
  // A customer id past int4 names no customer (and would fail the query).
  if (!m || Number(m[1]) > INT4_MAX) throw AR_ERR.NOT_FOUND(['Suggestion', dedupeKey]);
  const facts = await loadPlanningFacts(db, { asOf: o.date, scope: { kind: 'customers', customerIds: [Number(m[1])] }, policy: o.policy });
  const suggestion = planAgenda(facts, o.policy).find((s) => s.dedupeKey === dedupeKey && s.task);
  if (!suggestion) throw AR_ERR.NOT_FOUND(['Suggestion', dedupeKey]);
  if (o.asCollector !== undefined && suggestion.collectorId !== o.asCollector) {
    throw AR_ERR.FORBIDDEN(['collector', `close suggestion ${dedupeKey}: it is for another collector`]);
  }
  await upsertTasks(db, [suggestion]);
  const [{ id }] = await db.query<{ id: number }>('SELECT id FROM actions WHERE dedupe_key = $1', [dedupeKey]);
  return closeAction(db, id, status, o.asCollector);
}
