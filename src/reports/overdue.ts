// Overdue statement (état des échus, brief 002's reporting): the invoices
// behind the aging balance's overdue buckets, one row each, as a credit
// manager hands them to sales and management. Read with the aging's own SQL
// (OPEN_AT_SQL), so its totals per bucket are the aging balance's to the cent.
import type { Db } from '../db/sql.js';
import type { IsoDate } from '../agenda/types.js';
import { roundMoney } from '../util/round.js';
import { finiteOrNull } from '../scoring/computed-fields.js';
import { isStoredDay } from '../agenda/dates.js';
import type { Consolidation, Valuation } from './consolidation.js';
import { cursorParams, datedCursor, datedCursorKey, oneDateHead, oneDateParams } from './one-date.js';
import {
  BUCKETS, bucketColumns, bucketOfSql, DISPUTED, OPEN_AT_SQL, UNQUALIFIED, unpricedColumn,
  valuationFor, valueOf, type AmountCount, type ReportFilters, type ReportScope, type Valued,
} from './series.js';

export interface OverdueItem {
  customerExternalId: string;
  customerName: string;
  customerSegment: string | null;
  /** The customer's collector (externalId), as it is now. */
  collector: string | null;
  invoiceExternalId: string;
  number: string;
  issueDate: IsoDate;
  dueDate: IsoDate;
  currency: string;
  amount: number;
  /** Open on the as-of date. */
  openAmount: number;
  /** Consolidated only: openAmount in the reporting currency at the as-of date's rate. */
  valued?: number;
  daysOverdue: number;
  /** 1-30, 31-60, 61-90 or 90+: the aging balance's bucket. */
  bucket: string;
  /** The status the invoice carried on the date, as the statuses report reads it; `disputed` when only flagged; null when unqualified. */
  status: string | null;
  /** When that status was set. */
  statusDate: IsoDate | null;
  /** The date promised (promise_to_pay) or of the next instalment (payment_plan). */
  promisedDate: IsoDate | null;
  /** Today only: what the last refresh stored on the invoice. */
  lateProbability: number | null;
  expectedPaymentDate: IsoDate | null;
}

export interface OverdueTotals {
  /** Every row of the statement, not only a page's. */
  overdue: AmountCount;
  /** 1-30, 31-60, 61-90, 90+. */
  buckets: (AmountCount & { bucket: string })[];
}

export interface OverdueStatement {
  asOf: IsoDate;
  minDaysOverdue: number;
  filters: ReportFilters;
  method: string;
  consolidation?: Consolidation;
  totals: OverdueTotals;
  items: OverdueItem[];
  /** The `after` of the next page; null on the last. */
  nextCursor: string | null;
}

export const OVERDUE_METHOD =
  'Every invoice past due on the date with an amount open that day (amount minus allocations paid by then, as in the ' +
  'aging balance), at least minDaysOverdue days past due, one row each, ordered by customer name and externalId, due ' +
  'date and invoice externalId. Bucket by days past due: 1-30, 31-60, 61-90, 90+; the totals per bucket are the aging ' +
  "balance's. Status: the one the invoice carried that day (a status set later counts as not yet set; disputed when " +
  "only flagged; null when unqualified); the ledger keeps each invoice's latest status only. lateProbability and " +
  'expectedPaymentDate: what the last refresh stored, on today\'s statement only; on a past date they are null, for ' +
  'they were computed from today\'s ledger (payments and statuses that date did not know yet), not as the date saw it.';

export interface OverdueQuery {
  asOf: IsoDate;
  /** The server's day: the stored model outputs are today's. */
  today: IsoDate;
  minDaysOverdue: number;
  scope: ReportScope;
}

export interface OverduePageQuery extends OverdueQuery {
  limit: number;
  after?: string;
}

/** The columns a statement is ordered and paged by, in order. */
const ORDER = ['customer_name', 'customer_external_id', 'due_date', 'external_id'];

// $1 to $5 (and the rates $6 to $8) are OPEN_AT_SQL's; $p is minDaysOverdue.
const firstParam = ({ fx }: Valued) => (fx ? 9 : 6);

const STATEMENT_CTE = (valued: Valued) => `${OPEN_AT_SQL('portfolio', valued)},
statement AS (
  SELECT o.d, o.invoice_id, o.days_overdue, o.status_on, o.open, ${valueOf(valued.fx, 'o.open')} AS valued,${valued.fx ? ' o.fx_rate,' : ''}
    ${bucketOfSql()} AS bucket,
    c.external_id AS customer_external_id, c.name AS customer_name, c.segment AS customer_segment, col.external_id AS collector,
    i.external_id, i.number, i.issue_date, i.due_date, i.currency, i.amount, i.status_date, i.promised_date
  FROM open_at o JOIN invoices i ON i.id = o.invoice_id JOIN customers c ON c.id = o.customer_id
  LEFT JOIN collectors col ON col.id = c.collector_id
  WHERE o.open > 0 AND o.days_overdue >= $${firstParam(valued)}::int
)`;

// A real status carries its day and, for a promise or a plan, its date; `disputed` and unqualified carry none.
const ITEM_COLUMNS = (from: string, models: boolean) => `${from}.customer_external_id, ${from}.customer_name, ${from}.customer_segment,
  ${from}.collector, ${from}.external_id AS invoice_external_id, ${from}.number, ${from}.issue_date::text AS issue_date,
  ${from}.due_date::text AS due_date, ${from}.currency, ${from}.amount::float8 AS amount, ${from}.open::float8 AS open_amount,
  ${from}.valued::float8 AS valued, ${from}.days_overdue, ${from}.bucket,
  NULLIF(${from}.status_on, '${UNQUALIFIED}') AS status,
  CASE WHEN ${from}.status_on NOT IN ('${UNQUALIFIED}', '${DISPUTED}') THEN ${from}.status_date::text END AS status_date,
  CASE WHEN ${from}.status_on IN ('promise_to_pay', 'payment_plan') THEN ${from}.promised_date::text END AS promised_date,
  ${models ? 'lp.value_num' : 'NULL::float8'} AS late_probability, ${models ? 'ep.value_text' : 'NULL::text'} AS expected_payment_date`;

const MODEL_JOINS = (from: string, models: boolean) => (models ? `
LEFT JOIN computed_fields lp ON lp.entity_type = 'invoice' AND lp.name = 'lateProbability' AND lp.entity_id = ${from}.invoice_id
LEFT JOIN computed_fields ep ON ep.entity_type = 'invoice' AND ep.name = 'expectedPaymentDate' AND ep.entity_id = ${from}.invoice_id` : '');

const orderBy = (from: string) => ORDER.map((c) => `${from}.${c}`).join(', ');

// `statement` is read twice (the totals and the page), so PostgreSQL computes it once.
const PAGE_SQL = (valued: Valued, models: boolean) => {
  const p = firstParam(valued);
  return `${STATEMENT_CTE(valued)},
totals AS (
  SELECT ${bucketColumns('valued')},
    COALESCE(sum(valued), 0)::float8 AS overdue_amount, count(*)::int AS overdue_count${valued.fx ? `,
    ${unpricedColumn('currency', 'd', 'fx_rate')}` : ''}
  FROM statement
),
page AS (
  SELECT * FROM statement s
  WHERE $${p + 1}::text IS NULL OR (${orderBy('s')}) > ($${p + 1}::text, $${p + 2}::text, $${p + 3}::date, $${p + 4}::text)
  ORDER BY ${orderBy('s')}
  LIMIT $${p + 5}::int
)
SELECT totals.*, page.invoice_id, ${ITEM_COLUMNS('page', models)}
FROM totals LEFT JOIN page ON true${MODEL_JOINS('page', models)}
ORDER BY ${orderBy('page')}`;
};

const ALL_SQL = (valued: Valued, models: boolean) => `${STATEMENT_CTE(valued)}
SELECT ${ITEM_COLUMNS('s', models)}
FROM statement s${MODEL_JOINS('s', models)}
ORDER BY ${orderBy('s')}`;

type ItemRow = {
  customer_external_id: string; customer_name: string; customer_segment: string | null; collector: string | null;
  invoice_external_id: string; number: string; issue_date: IsoDate; due_date: IsoDate; currency: string; amount: number;
  open_amount: number; valued: number | null; days_overdue: number; bucket: string; status: string | null;
  status_date: IsoDate | null; promised_date: IsoDate | null; late_probability: number | null; expected_payment_date: IsoDate | null;
};

function itemOf(r: ItemRow, fx: Valuation | null, asOf: IsoDate): OverdueItem {
  // An amount no rate valued makes the whole statement a 422 (fx.check), never a row at par.
  if (fx && r.valued === null) fx.lacks(r.currency, asOf);
  return {
    customerExternalId: r.customer_external_id,
    customerName: r.customer_name,
    customerSegment: r.customer_segment,
    collector: r.collector,
    invoiceExternalId: r.invoice_external_id,
    number: r.number,
    issueDate: r.issue_date,
    dueDate: r.due_date,
    currency: r.currency,
    amount: r.amount,
    openAmount: roundMoney(r.open_amount),
    ...(fx && { valued: roundMoney(r.valued ?? 0) }),
    daysOverdue: r.days_overdue,
    bucket: r.bucket,
    status: r.status,
    statusDate: r.status_date,
    promisedDate: r.promised_date,
    lateProbability: finiteOrNull(r.late_probability),
    expectedPaymentDate: r.expected_payment_date,
  };
}

/** The key of an item in the statement's order (ORDER). */
const keyOf = (i: OverdueItem) => [i.customerName, i.customerExternalId, i.dueDate, i.invoiceExternalId];

function totalsOf(r: Record<string, unknown>): OverdueTotals {
  // Each sum rounded once, as the aging balance rounds its buckets and its overdue.
  return {
    overdue: { amount: roundMoney(r.overdue_amount as number), count: r.overdue_count as number },
    buckets: BUCKETS.slice(1).map((bucket, k) => ({
      bucket, amount: roundMoney(r[`b${k + 1}_amount`] as number), count: r[`b${k + 1}_count`] as number,
    })),
  };
}

const paramsOf = (q: OverdueQuery, fx: Valuation | null) => [...oneDateParams(q, fx), q.minDaysOverdue];

const headOf = (q: OverdueQuery, fx: Valuation | null) => ({ ...oneDateHead(q, OVERDUE_METHOD, fx), minDaysOverdue: q.minDaysOverdue });


/** What a cursor records besides the date: another minDaysOverdue or scope is another statement. */
const pagedBy = (q: OverdueQuery) => cursorParams(q, { minDaysOverdue: q.minDaysOverdue });

/** The key an `after` cursor names; a 400 for one the statement cannot have given, which the query would fail on, or of another date or parameters. */
const afterKey = (after: string, q: OverdueQuery) =>
  datedCursorKey(after, q.asOf, pagedBy(q), ORDER.length, (key) => isStoredDay(key[ORDER.indexOf('due_date')]), 'statement');

/** One page of the statement, with the totals of all of it. */
export async function overdueStatement(db: Db, q: OverduePageQuery): Promise<OverdueStatement> {
  const after = q.after === undefined ? null : afterKey(q.after, q);
  const fx = await valuationFor(db, q.scope, q.asOf);
  const rows = await db.query<Record<string, unknown> & Partial<ItemRow> & { invoice_id: number | null }>(
    PAGE_SQL({ fx: !!fx }, q.asOf === q.today),
    [...paramsOf(q, fx), ...(after ?? [null, null, null, null]), q.limit + 1],
  );
  fx?.need(rows[0].unpriced as string[] | null);
  fx?.check();
  const items = rows.filter((r) => r.invoice_id !== null).map((r) => itemOf(r as ItemRow, fx, q.asOf));
  const page = items.slice(0, q.limit);
  const nextCursor = items.length > q.limit ? datedCursor(q.asOf, pagedBy(q), keyOf(page[page.length - 1])) : null;
  return { ...headOf(q, fx), totals: totalsOf(rows[0]), items: page, nextCursor };
}

/** Every row of the statement, for its export: no totals, which a spreadsheet sums itself. */
export async function overdueItems(db: Db, q: OverdueQuery): Promise<Omit<OverdueStatement, 'totals' | 'nextCursor'>> {
  const fx = await valuationFor(db, q.scope, q.asOf);
  const rows = await db.query<ItemRow>(ALL_SQL({ fx: !!fx }, q.asOf === q.today), paramsOf(q, fx));
  const items = rows.map((r) => itemOf(r, fx, q.asOf));
  fx?.check();
  return { ...headOf(q, fx), items };
}
