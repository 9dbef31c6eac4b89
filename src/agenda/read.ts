// The agenda a collector opens: what the planner suggests as of the day,
// merged with what is stored in `actions`. A suggestion already planned shows
// with its action id; one planned since the last run shows as 'suggested'
// (no id until the next planning run); one a person closed stays closed.
// Actions the planner does not own (manual ones) always show. Planned actions
// the planner no longer suggests (invoice paid since) are hidden: the next run
// cancels them.
import type { Db } from '../db/sql.js';
import { AR_ERR } from '../errors.js';
import { openBalanceSql } from '../fields/balances.js';
import { loadPlanningFacts, loadRates, type PlanningScope } from './facts.js';
import { fromManual, fromSuggestion, itemOrder, type AgendaItem, type StoredAction } from './items.js';
import { isPlannerKey, plannerKeySql } from './keys.js';
import { planAgenda } from './plan.js';
import type { AgendaPolicy } from './policy.js';
import { readStoredPlan, storedPlanAt, storedPlanState, type PlanSource, type StoredPlanState } from './stored-plan.js';
import type { IsoDate } from './types.js';

export type { AgendaItem } from './items.js';

export interface Agenda {
  date: IsoDate;
  collector: string | null;
  /** Tasks, highest priority first. */
  items: AgendaItem[];
  /** Automatic scenario steps due: for information, the platform sends them. */
  automatic: AgendaItem[];
  counts: { tasks: number; planned: number; suggested: number; automatic: number };
  /** Read from the last planning run's stored plan, or planned live (and why). */
  plan: PlanSource;
}

// Planned actions of the collector's customers due by the day, plus the stored
// rows of today's suggestions whatever their state (a closed one must stay
// closed). A customer's actions follow it to the collector it has now.
// Two branches, the keys looked up in their index: as one OR, every action of
// the portfolio was read and compared with the scope's keys, for one
// collector's agenda too. Reasons,
// balances and invoices are read for the actions the planner does not own
// alone: the planner's own show as their suggestion, from the facts already
// loaded (on the portfolio, 207,104 rows of them at 100,000 customers).
// A manual action may have no key at all.
const NOT_PLANNERS = `${plannerKeySql('a.dedupe_key')} IS NOT TRUE`;
const storedSql = (picked: string) => `WITH picked AS (${picked})
SELECT a.id, a.dedupe_key AS "dedupeKey", a.origin, a.type, a.status, a.due_date AS "dueDate",
  CASE WHEN ${NOT_PLANNERS} THEN a.reason ELSE '' END AS reason, CASE WHEN ${NOT_PLANNERS} THEN a.reasons END AS reasons,
  a.done_at IS NOT NULL AS "closedByPerson", col.external_id AS collector,
  c.external_id AS "customerExternalId", c.name AS "customerName", c.segment, COALESCE(b.currency, c.currency) AS currency, c.risk_score AS "riskScore",
  COALESCE(b.open_amount, 0)::float8 AS "customerOpen", COALESCE(b.overdue_amount, 0)::float8 AS "customerOverdue",
  COALESCE(b.by_currency, '[]'::jsonb) AS "byCurrency", b.max_days_overdue AS "maxDaysOverdue",
  i.external_id AS "invoiceExternalId", i.number AS "invoiceNumber", i.open_amount::float8 AS "invoiceOpen", i.due_date AS "invoiceDueDate",
  i.currency AS "invoiceCurrency"
FROM picked
JOIN actions a ON a.id = picked.id
JOIN customers c ON c.id = a.customer_id
LEFT JOIN collectors col ON col.id = c.collector_id
LEFT JOIN invoices i ON i.id = a.invoice_id AND ${NOT_PLANNERS}
LEFT JOIN LATERAL (${openBalanceSql('$1::date', { where: `i.customer_id = a.customer_id AND ${NOT_PLANNERS}`, byCurrency: true })}) b ON true
WHERE ($3::int[] IS NULL OR a.customer_id = ANY($3::int[]))`;
const PLANNED_IN_SCOPE = `SELECT a.id FROM actions a JOIN customers c ON c.id = a.customer_id
  WHERE a.status = 'planned' AND a.due_date <= $1::date AND ($2::int IS NULL OR c.collector_id = $2::int)`;
const STORED_SQL = storedSql(`${PLANNED_IN_SCOPE}
  UNION
  SELECT a.id FROM actions a WHERE a.dedupe_key = ANY($4::text[])`);
// Beside a stored plan, which holds the planner's own: the others alone.
const MANUAL_SQL = storedSql(`${PLANNED_IN_SCOPE} AND ${NOT_PLANNERS}`);

export interface AgendaQuery {
  /** Internal id of the collector; null = the whole portfolio. */
  collectorId: number | null;
  collector: string | null;
  date: IsoDate;
  limit: number;
  policy: AgendaPolicy;
  /** The collection agenda (reminders, follow-ups, model suggestions, manual actions), the risk agenda, or both. */
  agenda?: AgendaView;
  /** Only these customers (a customer group's members, within the collector's when one is named). */
  customerIds?: number[];
}

export type AgendaView = 'all' | 'collection' | 'risk';

const inView = (view: AgendaView) => (i: AgendaItem) => view === 'all' || (i.origin === 'risk') === (view === 'risk');

/** The id of a customer group (externalId); 404 for a group that does not exist. */
export async function groupIdOf(db: Db, externalId: string): Promise<number> {
  const [row] = await db.query<{ id: number }>('SELECT id FROM customer_groups WHERE external_id = $1', [externalId]);
  if (!row) throw AR_ERR.NOT_FOUND(['Customer group', externalId]);
  return row.id;
}

/**
 * The members of a customer group (externalId), within one collector's
 * customers when `collectorId` is set; 404 for a group that does not exist.
 */
export async function groupMemberIds(db: Db, group: string, collectorId: number | null): Promise<number[]> {
  const rows = await db.query<{ id: number }>(
    `SELECT c.id FROM customers c JOIN group_members gm ON gm.customer_id = c.id
     WHERE gm.group_id = $1 AND ($2::int IS NULL OR c.collector_id = $2::int) ORDER BY c.id`,
    [await groupIdOf(db, group), collectorId],
  );
  return rows.map((r) => r.id);
}

/** The customers with no collector: the reports' `(unassigned)` group, whose agenda nobody else's covers. */
async function unassignedCustomerIds(db: Db): Promise<number[]> {
  return (await db.query<{ id: number }>('SELECT id FROM customers WHERE collector_id IS NULL ORDER BY id')).map((r) => r.id);
}

/** The ids in both lists, either alone when the other does not narrow. */
function bothOf(a: number[] | undefined, b: number[] | undefined): number[] | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  const inB = new Set(b);
  return a.filter((id) => inB.has(id));
}

/**
 * The customers an agenda request narrows to: a group's members, the
 * customers with no collector (`noCollector`), one customer, or several of
 * them (the customer if it is in the others); within one collector's
 * customers when `collectorId` is set. Undefined when it does not narrow;
 * 404 for a group or a customer that does not exist.
 */
export async function scopedCustomerIds(
  db: Db,
  q: { group?: string; customer?: string; collectorId: number | null; noCollector?: boolean },
): Promise<number[] | undefined> {
  const members = bothOf(
    q.group === undefined ? undefined : await groupMemberIds(db, q.group, q.collectorId),
    q.noCollector ? await unassignedCustomerIds(db) : undefined,
  );
  if (q.customer === undefined) return members;
  const [c] = await db.query<{ id: number; collectorId: number | null }>(
    'SELECT id, collector_id AS "collectorId" FROM customers WHERE external_id = $1', [q.customer],
  );
  if (!c) throw AR_ERR.NOT_FOUND(['Customer', q.customer]);
  const inScope = (q.collectorId === null || c.collectorId === q.collectorId) && (members === undefined || members.includes(c.id));
  return inScope ? [c.id] : [];
}

type TasksQuery = Omit<AgendaQuery, 'limit' | 'collector'>;

/**
 * Every task and automatic step due by the day, in view, highest priority
 * first (the call list, the files): from the stored plan when it is current.
 */
export async function agendaTasks(db: Db, q: TasksQuery): Promise<{ tasks: AgendaItem[]; automatic: AgendaItem[] }> {
  const { read } = await fromStoredPlan(db, q, (changed) => storedTasks(db, q, null, changed));
  if (read === null) return plannedLive(db, q);
  return { tasks: read.tasks, automatic: read.automatic };
}

// The stored plan is read by several queries on the pool, each with a snapshot
// of its own: a run storing its plan between them gave a page of one plan with
// the counts of another, or the next day's plan under this day's answer. A
// plan is stored with its mark in one transaction and a mark is only replaced
// by a later run's, so the same mark after the reads as before means they all
// read that plan; another means read again, as the new mark says.
const STORED_READ_ATTEMPTS = 3;

async function fromStoredPlan<T extends { customersPlannedLive: number }>(
  db: Db, q: TasksQuery, read: (changedCustomers: number[]) => Promise<T>,
): Promise<{ plan: PlanSource; read: T | null }> {
  let state: StoredPlanState = await storedPlanState(db, q.date, q.policy);
  for (let attempt = 1; state.source === 'stored'; attempt++) {
    const { changedCustomers, ...plan } = state;
    const result = await read(changedCustomers);
    if ((await storedPlanAt(db)) === plan.plannedAt) return { plan: { ...plan, customersPlannedLive: result.customersPlannedLive }, read: result };
    state = attempt < STORED_READ_ATTEMPTS ? await storedPlanState(db, q.date, q.policy)
      : { source: 'live', plannedAt: null, staleBecause: 'the stored plan was replaced while it was read', customersPlannedLive: null, changedCustomers: [] };
  }
  const { changedCustomers: _none, ...plan } = state;
  return { plan, read: null };
}

/** The same, planned now from the facts, whatever the stored plan. */
export async function plannedLive(db: Db, q: TasksQuery): Promise<{ tasks: AgendaItem[]; automatic: AgendaItem[] }> {
  const scope: PlanningScope = q.customerIds ? { kind: 'customers', customerIds: q.customerIds }
    : q.collectorId === null ? { kind: 'portfolio' } : { kind: 'collector', collectorId: q.collectorId };
  const facts = await loadPlanningFacts(db, { asOf: q.date, scope, policy: q.policy });
  const suggestions = planAgenda(facts, q.policy);
  const stored = await db.query<StoredAction>(STORED_SQL, [q.date, q.collectorId, q.customerIds ?? null, suggestions.map((s) => s.dedupeKey)]);
  const byKey = new Map(stored.filter((a) => a.dedupeKey).map((a) => [a.dedupeKey!, a]));

  const items: AgendaItem[] = [];
  const automatic: AgendaItem[] = [];
  const matched = new Set<number>();
  for (const s of suggestions) {
    const row = byKey.get(s.dedupeKey);
    if (row) matched.add(row.id);
    if (row?.closedByPerson) continue;
    // A row the planner cancelled is planned again by the next run: until then a suggestion.
    (s.task ? items : automatic).push(fromSuggestion(s, facts, row?.status === 'planned' ? row : undefined));
  }
  for (const a of stored) {
    if (matched.has(a.id) || a.status !== 'planned') continue;
    if (!isPlannerKey(a.dedupeKey)) items.push(fromManual(a, q.date, q.policy, facts.rates));
  }
  const view = inView(q.agenda ?? 'all');
  return { tasks: items.filter(view).sort(itemOrder), automatic: automatic.filter(view).sort(itemOrder) };
}

/**
 * The agenda's first `limit` tasks and automatic steps, and their counts:
 * from the stored plan when it is current (a page of it and the manual actions
 * in scope), else planned live. Both give the same items in the same order.
 */
export async function readAgenda(db: Db, q: AgendaQuery): Promise<Agenda> {
  const { plan, read } = await fromStoredPlan(db, q, (changed) => storedTasks(db, q, q.limit, changed));
  const { tasks, automatic, counts } = read ?? await livePage(db, q);
  return { date: q.date, collector: q.collector, items: tasks, automatic, counts, plan };
}

type Page = Pick<Agenda, 'counts'> & { tasks: AgendaItem[]; automatic: AgendaItem[] };

async function livePage(db: Db, q: AgendaQuery): Promise<Page> {
  const { tasks, automatic } = await plannedLive(db, q);
  const planned = tasks.filter((i) => i.state === 'planned').length;
  return {
    tasks: tasks.slice(0, q.limit),
    automatic: automatic.slice(0, q.limit),
    counts: { tasks: tasks.length, planned, suggested: tasks.length - planned, automatic: automatic.length },
  };
}

// The stored plan holds the planner's suggestions only: the actions it does
// not own are read live and ranked among the page, which holds every stored
// task that can come before the limit (null: every one). The customers whose
// data changed since the run are left out of it and planned live (their
// suggestions alone: their manual actions are among the others), merged in the
// planner's order: the same page as the whole portfolio planned live.
async function storedTasks(db: Db, q: TasksQuery, limit: number | null, changed: number[]): Promise<Page & { customersPlannedLive: number }> {
  const [stored, manual, rates, fresh] = await Promise.all([
    readStoredPlan(db, { ...q, limit, leaveOut: changed }),
    db.query<StoredAction>(MANUAL_SQL, [q.date, q.collectorId, q.customerIds ?? null]),
    loadRates(db, q.date),
    plannedLiveAmong(db, q, changed),
  ]);
  const view = inView(q.agenda ?? 'all');
  const others = manual.map((a) => fromManual(a, q.date, q.policy, rates)).filter(view);
  const tasks = stored.counts.tasks + others.length + fresh.tasks.length;
  const planned = stored.counts.planned + others.length + fresh.tasks.filter((i) => i.state === 'planned').length;
  const page = (items: AgendaItem[]) => {
    const ranked = items.sort(itemOrder);
    return limit === null ? ranked : ranked.slice(0, limit);
  };
  return {
    tasks: page([...stored.tasks, ...others, ...fresh.tasks]),
    automatic: page([...stored.automatic, ...fresh.automatic]),
    counts: { tasks, planned, suggested: tasks - planned, automatic: stored.counts.automatic + fresh.automatic.length },
    customersPlannedLive: fresh.customers,
  };
}

/** The planner's suggestions for those of `changed` in the query's scope (their collector now), planned live. */
async function plannedLiveAmong(db: Db, q: TasksQuery, changed: number[]): Promise<{ tasks: AgendaItem[]; automatic: AgendaItem[]; customers: number }> {
  const none = { tasks: [], automatic: [], customers: 0 };
  if (changed.length === 0) return none;
  const inScope = (await db.query<{ id: number }>(
    'SELECT id FROM customers WHERE id = ANY($1::int[]) AND ($2::int IS NULL OR collector_id = $2::int) ORDER BY id',
    [bothOf(changed, q.customerIds), q.collectorId],
  )).map((r) => r.id);
  if (inScope.length === 0) return none;
  const { tasks, automatic } = await plannedLive(db, { ...q, customerIds: inScope });
  return { tasks: tasks.filter((i) => i.kind !== 'manual'), automatic, customers: inScope.length };
}
