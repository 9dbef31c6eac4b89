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
import type { IsoDate, Suggestion } from './types.js';
import { todayIso } from './dates.js';
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

export interface CloseActionOptions {
  policy: AgendaPolicy;
  /** Limits the caller to the actions of this collector's customers (internal id). */
  asCollector?: number;
  /** The day the collector works on; today (UTC) by default. */
  today?: IsoDate;
}

interface StoredAction { status: string; collectorId: number | null; dedupeKey: string | null; customerId: number; dueDate: IsoDate }

/**
 * Closes a planned action. `asCollector` limits the caller to the actions of
 * that collector's customers: the customer's collector now, as the agenda
 * shows them, not the one it was planned for before a rule or an import
 * moved the customer.
 *
 * A planner's action is closed as the agenda showed it: the agenda gives its
 * suggestion as it stands now (read.ts), which can name more than the last
 * planning run stored, an invoice that reached the same step since. Closing
 * the stored row alone left that invoice's step undone, and it came back at
 * once as a call of its own about what the collector had just covered.
 */
export async function closeAction(db: Db, id: number, status: Closing, o: CloseActionOptions): Promise<ClosedAction> {
  const action = await closableAction(db, id, o.asCollector);
  if (action.status === 'planned' && isPlannerKey(action.dedupeKey)) {
    // As of the day it was shown on: today, or the later day an action planned ahead is due.
    const today = o.today ?? todayIso();
    const asOf = action.dueDate > today ? action.dueDate : today;
    const suggestion = await standingSuggestion(db, action.customerId, action.dedupeKey, asOf, o.policy);
    if (suggestion) await upsertTasks(db, [suggestion]);
  }
  return closeRow(db, id, status, action.status);
}

/** The action, 404 when there is none, 403 when `asCollector` is not its customer's collector. */
async function closableAction(db: Db, id: number, asCollector: number | undefined): Promise<StoredAction> {
  const [action] = await db.query<StoredAction>(
    `SELECT a.status, c.collector_id AS "collectorId", a.dedupe_key AS "dedupeKey", a.customer_id AS "customerId", a.due_date::text AS "dueDate"
     FROM actions a JOIN customers c ON c.id = a.customer_id WHERE a.id = $1`,
    [id],
  );
  if (!action) throw AR_ERR.NOT_FOUND(['Action', String(id)]);
  if (asCollector !== undefined && action.collectorId !== asCollector) {
    throw AR_ERR.FORBIDDEN(['collector', `close action ${id}: it is assigned to another collector`]);
  }
  return action;
}

async function closeRow(db: Db, id: number, status: Closing, statusBefore: string): Promise<ClosedAction> {
  const [closed] = await db.query<{ id: number; status: Closing; doneAt: Date | string }>(
    `UPDATE actions SET status = $2, done_at = now() WHERE id = $1 AND status = 'planned'
     RETURNING id, status, done_at AS "doneAt"`,
    [id, status],
  );
  if (!closed) throw AR_ERR.CONFLICT([`Action ${id} is already ${statusBefore === 'planned' ? 'closed' : statusBefore}`]);
  return { id: closed.id, status: closed.status, doneAt: new Date(closed.doneAt).toISOString() };
}

/** The customer's task of that key as the planner suggests it on `asOf`, if it stands. */
async function standingSuggestion(db: Db, customerId: number, dedupeKey: string, asOf: IsoDate, policy: AgendaPolicy): Promise<Suggestion | undefined> {
  const facts = await loadPlanningFacts(db, { asOf, scope: { kind: 'customers', customerIds: [customerId] }, policy });
  return planAgenda(facts, policy).find((s) => s.dedupeKey === dedupeKey && s.task);
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
  const suggestion = await standingSuggestion(db, Number(m[1]), dedupeKey, o.date, o.policy);
  if (!suggestion) throw AR_ERR.SUGGESTION_NOT_FOUND([dedupeKey, o.date]);
  if (o.asCollector !== undefined && suggestion.collectorId !== o.asCollector) {
    throw AR_ERR.FORBIDDEN(['collector', `close suggestion ${dedupeKey}: it is for another collector`]);
  }
  // An import may delete its customer or invoice in between: nothing is stored then, and nothing stands to close.
  const { gone } = await upsertTasks(db, [suggestion]);
  const [stored] = gone > 0 ? [] : await db.query<{ id: number }>('SELECT id FROM actions WHERE dedupe_key = $1', [dedupeKey]);
  if (!stored) throw AR_ERR.SUGGESTION_NOT_FOUND([dedupeKey, o.date]);
  const action = await closableAction(db, stored.id, o.asCollector);
  return closeRow(db, stored.id, status, action.status);
}
