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
import { daysBetween } from './dates.js';
import { readModelReasons } from './format.js';
import { loadPlanningFacts, type PlanningScope } from './facts.js';
import { isPlannerKey, plannerKeySql } from './keys.js';
import { planAgenda } from './plan.js';
import { floorIn, otherBalances, rankedInReporting, ratesOf } from './currencies.js';
import type { AgendaPolicy } from './policy.js';
import { priority, risk, urgency } from './priority.js';
import type { ActionReason, CurrencyBalance, ExchangeRate, InvoiceRef, IsoDate, Priority, Suggestion } from './types.js';

export interface AgendaItem {
  id: number | null;
  state: 'planned' | 'suggested';
  dedupeKey: string | null;
  origin: string;
  kind: string;
  type: string;
  task: boolean;
  dueDate: IsoDate;
  reason: string;
  reasons: ActionReason[];
  priority: Priority;
  customer: { externalId: string; name: string; segment: string | null };
  collector: string | null;
  /**
   * `atStake` is in `currency`, the task's own; the customer's balances are in
   * `balanceCurrency`, what it owes in any other in `otherBalances`.
   */
  amounts: {
    atStake: number; currency: string; customerOpen: number; customerOverdue: number; balanceCurrency: string;
    otherBalances: CurrencyBalance[];
  };
  invoices: Omit<InvoiceRef, 'invoiceId'>[];
}

export interface Agenda {
  date: IsoDate;
  collector: string | null;
  /** Tasks, highest priority first. */
  items: AgendaItem[];
  /** Automatic scenario steps due: for information, the platform sends them. */
  automatic: AgendaItem[];
  counts: { tasks: number; planned: number; suggested: number; automatic: number };
}

interface StoredAction {
  id: number;
  dedupeKey: string | null;
  origin: string;
  type: string;
  status: string;
  /** Closed by a person (done or cancelled); the planner's cancellations are not. */
  closedByPerson: boolean;
  dueDate: IsoDate;
  reason: string;
  reasons: unknown;
  collector: string | null;
  customerExternalId: string;
  customerName: string;
  segment: string | null;
  currency: string;
  riskScore: number | null;
  customerOpen: number;
  customerOverdue: number;
  byCurrency: CurrencyBalance[];
  maxDaysOverdue: number | null;
  invoiceExternalId: string | null;
  invoiceNumber: string | null;
  invoiceOpen: number | null;
  invoiceDueDate: IsoDate | null;
  invoiceCurrency: string | null;
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
const STORED_SQL = `WITH picked AS (
  SELECT a.id FROM actions a JOIN customers c ON c.id = a.customer_id
  WHERE a.status = 'planned' AND a.due_date <= $1::date AND ($2::int IS NULL OR c.collector_id = $2::int)
  UNION
  SELECT a.id FROM actions a WHERE a.dedupe_key = ANY($3::text[])
)
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
WHERE ($4::int[] IS NULL OR a.customer_id = ANY($4::int[]))`;

function fromSuggestion(s: Suggestion, facts: Awaited<ReturnType<typeof loadPlanningFacts>>, stored?: StoredAction): AgendaItem {
  const c = facts.customers.get(s.customerId);
  return {
    id: stored?.id ?? null,
    state: stored ? 'planned' : 'suggested',
    dedupeKey: s.dedupeKey,
    origin: s.origin,
    kind: s.kind,
    type: s.type,
    task: s.task,
    dueDate: s.dueDate,
    reason: s.reason,
    reasons: s.reasons,
    priority: s.priority,
    customer: { externalId: c?.externalId ?? '', name: c?.name ?? '', segment: c?.segment ?? null },
    collector: c?.collector ?? null,
    amounts: {
      atStake: s.priority.amountAtStake,
      currency: s.currency,
      customerOpen: c?.openAmount ?? 0,
      customerOverdue: c?.overdueAmount ?? 0,
      balanceCurrency: c?.currency ?? s.currency,
      otherBalances: c ? otherBalances(c.byCurrency, c.currency) : [],
    },
    invoices: s.invoices.map(({ invoiceId: _id, ...rest }) => rest),
  };
}

/** An action the planner does not own: ranked on its invoice, or on the customer's overdue balance. */
function fromManual(a: StoredAction, date: IsoDate, policy: AgendaPolicy, rates: ExchangeRate[]): AgendaItem {
  const days = a.invoiceDueDate ? daysBetween(a.invoiceDueDate, date) : a.maxDaysOverdue ?? 0;
  // On its invoice, in the invoice's currency; else on the customer's balance, in the balance currency.
  const currency = a.invoiceOpen !== null ? (a.invoiceCurrency ?? a.currency) : a.currency;
  const atStake = Math.max(a.invoiceOpen ?? (a.customerOverdue || a.customerOpen), floorIn(policy, currency, rates));
  return {
    id: a.id,
    state: 'planned',
    dedupeKey: a.dedupeKey,
    origin: a.origin,
    kind: 'manual',
    type: a.type,
    task: true,
    dueDate: a.dueDate,
    reason: a.reason,
    // Written by other code: keep what reads as a reason, in the agenda's shape.
    reasons: readModelReasons(a.reasons, 20),
    priority: rankedInReporting(
      priority(atStake, urgency('manual', days), risk({ riskScore: a.riskScore, lateProbability: null }), currency),
      currency, ratesOf(rates, policy.reportingCurrency), policy.reportingCurrency,
    ),
    customer: { externalId: a.customerExternalId, name: a.customerName, segment: a.segment },
    collector: a.collector,
    amounts: {
      atStake, currency, customerOpen: a.customerOpen, customerOverdue: a.customerOverdue, balanceCurrency: a.currency,
      otherBalances: otherBalances(a.byCurrency, a.currency),
    },
    invoices: a.invoiceExternalId
      ? [{ externalId: a.invoiceExternalId, number: a.invoiceNumber!, openAmount: a.invoiceOpen ?? 0, dueDate: a.invoiceDueDate!, daysOverdue: days }]
      : [],
  };
}

const itemOrder = (a: AgendaItem, b: AgendaItem) =>
  b.priority.score - a.priority.score || a.dueDate.localeCompare(b.dueDate) || (a.dedupeKey ?? '').localeCompare(b.dedupeKey ?? '') || (a.id ?? 0) - (b.id ?? 0);

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

/** Every task and automatic step due by the day, in view, highest priority first. */
export async function agendaTasks(db: Db, q: Omit<AgendaQuery, 'limit' | 'collector'>): Promise<{ tasks: AgendaItem[]; automatic: AgendaItem[] }> {
  const scope: PlanningScope = q.customerIds ? { kind: 'customers', customerIds: q.customerIds }
    : q.collectorId === null ? { kind: 'portfolio' } : { kind: 'collector', collectorId: q.collectorId };
  const facts = await loadPlanningFacts(db, { asOf: q.date, scope, policy: q.policy });
  const suggestions = planAgenda(facts, q.policy);
  const stored = await db.query<StoredAction>(STORED_SQL, [q.date, q.collectorId, suggestions.map((s) => s.dedupeKey), q.customerIds ?? null]);
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

export async function readAgenda(db: Db, q: AgendaQuery): Promise<Agenda> {
  const { tasks, automatic } = await agendaTasks(db, q);
  return {
    date: q.date,
    collector: q.collector,
    items: tasks.slice(0, q.limit),
    automatic: automatic.slice(0, q.limit),
    counts: {
      tasks: tasks.length,
      planned: tasks.filter((i) => i.state === 'planned').length,
      suggested: tasks.filter((i) => i.state === 'suggested').length,
      automatic: automatic.length,
    },
  };
}
