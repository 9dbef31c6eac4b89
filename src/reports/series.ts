// The SQL under every report: receivables as they stood on given dates, by
// group, and credit sales. Set-based, one query per series, both backends.
//
// Open amount of an invoice on day d (receivables as they stood then, not as
// they stand now):
//   open(d) = amount − allocations paid on or before d
//             − the part closed without an allocation, if closed by d
// The last term is for ledgers that settle invoices without sending the
// allocations: amount − open_amount − Σ allocations is closed "somehow"; it
// counts as closed on the settled date, or always when there is none. With
// complete allocations it is zero and open(d) = amount − allocations ≤ d.
// Equivalently open(d) = open_amount + allocations paid after d (+ that part
// while d is before the settled date), which only needs payments after the
// first report date: that is how it is computed.
//
// Invoices only: credit notes are neither aged nor netted from sales (the
// facts query ignores them too). One currency per report: amounts in different
// currencies cannot be added without rates this service does not have, so a
// scope holding several is asked which one (the route's scopeOf).
import type { Db } from '../db/sql.js';
import { AGING_BUCKETS } from '../fields/registry.js';
import type { IsoDate } from '../agenda/types.js';
import { roundMoney } from '../util/round.js';

export type GroupBy = 'portfolio' | 'collector' | 'segment';

export interface ReportScope {
  groupBy: GroupBy;
  /** Only this collector's customers (externalId). */
  collector: string | null;
  /** Only this segment. */
  segment: string | null;
  /** Only invoices in this currency (ISO 4217); null when the scope holds one currency or none. */
  currency: string | null;
}

/** current (not yet due), 1-30, 31-60, 61-90, 90+ days past due: the same buckets as the customer fields. */
export const BUCKETS: readonly string[] = AGING_BUCKETS;

export interface AmountCount {
  amount: number;
  count: number;
}

export interface Balance {
  total: AmountCount;
  /** In BUCKETS order: current (not yet due), 1-30, 31-60, 61-90, 90+ days past due. */
  buckets: AmountCount[];
  /** More than 30 days past due with no status qualification on that day. */
  overdue30Unqualified: AmountCount;
}

const ZERO: AmountCount = { amount: 0, count: 0 };
export const emptyBalance = (): Balance => ({ total: ZERO, buckets: BUCKETS.map(() => ZERO), overdue30Unqualified: ZERO });

// Group expressions are chosen from this list, never built from input.
const GROUP_SQL: Record<GroupBy, string> = {
  portfolio: `'portfolio'`,
  collector: `COALESCE(col.external_id, '(unassigned)')`,
  segment: `COALESCE(c.segment, '(none)')`,
};

/** `sc`: customers in scope with their group; the collector is parameter $p, the segment $(p+1). */
const scopeCte = (groupBy: GroupBy, p = 2) => `sc AS (
  SELECT c.id, ${GROUP_SQL[groupBy]} AS grp
  FROM customers c LEFT JOIN collectors col ON col.id = c.collector_id
  WHERE ($${p}::text IS NULL OR col.external_id = $${p}::text) AND ($${p + 1}::text IS NULL OR c.segment = $${p + 1}::text)
)`;

/** Currencies of the invoices of the customers a report covers, sorted. */
export async function currenciesInScope(db: Db, scope: Pick<ReportScope, 'collector' | 'segment'>): Promise<string[]> {
  const rows = await db.query<{ currency: string }>(
    `WITH ${scopeCte('portfolio', 1)} SELECT DISTINCT i.currency FROM invoices i JOIN sc ON sc.id = i.customer_id WHERE i.kind = 'invoice' ORDER BY 1`,
    [scope.collector, scope.segment],
  );
  return rows.map((r) => r.currency);
}

/** The customers a report covers (its collector and segment filters), by id, with their group. */
export async function customersInScope(db: Db, scope: ReportScope): Promise<Map<number, string>> {
  const rows = await db.query<{ id: number; grp: string }>(`WITH ${scopeCte(scope.groupBy, 1)} SELECT id, grp FROM sc ORDER BY id`, [scope.collector, scope.segment]);
  return new Map(rows.map((r) => [r.id, r.grp]));
}

const DATES_CTE = `dates AS (SELECT DISTINCT d FROM unnest($1::date[]) AS u(d)),
bounds AS (SELECT min(d) AS first_d, max(d) AS last_d FROM dates)`;

const bucketColumns = () => {
  const ranges = ['days_overdue <= 0', 'days_overdue BETWEEN 1 AND 30', 'days_overdue BETWEEN 31 AND 60',
    'days_overdue BETWEEN 61 AND 90', 'days_overdue > 90'];
  return ranges.map((r, i) => `COALESCE(sum(open) FILTER (WHERE ${r}), 0)::float8 AS b${i}_amount,
    count(*) FILTER (WHERE ${r})::int AS b${i}_count`).join(',\n    ');
};

const BALANCES_SQL = (groupBy: GroupBy) => `WITH ${DATES_CTE},
${scopeCte(groupBy)},
later AS (
  SELECT pa.invoice_id, p.payment_date, pa.amount
  FROM payment_allocations pa JOIN payments p ON p.id = pa.payment_id
  WHERE p.payment_date > (SELECT first_d FROM bounds)
),
cand AS (
  SELECT i.id, sc.grp, i.issue_date, i.due_date, i.amount, i.open_amount, i.settled_date, i.status, i.status_date, i.disputed
  FROM invoices i JOIN sc ON sc.id = i.customer_id
  WHERE i.kind = 'invoice' AND i.issue_date <= (SELECT last_d FROM bounds) AND ($4::text IS NULL OR i.currency = $4::text)
    AND (i.open_amount > 0 OR i.settled_date > (SELECT first_d FROM bounds) OR i.id IN (SELECT invoice_id FROM later))
),
inv AS (
  SELECT cand.*, cand.amount - cand.open_amount - COALESCE(al.total, 0) AS unexplained
  FROM cand LEFT JOIN LATERAL (SELECT sum(amount) AS total FROM payment_allocations WHERE invoice_id = cand.id) al ON true
),
paid_after AS (
  SELECT dates.d, later.invoice_id, sum(later.amount) AS amount
  FROM dates JOIN later ON later.payment_date > dates.d
  GROUP BY dates.d, later.invoice_id
),
open_at AS (
  SELECT dates.d, inv.grp, dates.d - inv.due_date AS days_overdue,
    (inv.disputed OR (inv.status IS NOT NULL AND inv.status <> 'none' AND (inv.status_date IS NULL OR inv.status_date <= dates.d))) AS qualified,
    GREATEST(0, LEAST(inv.amount, inv.open_amount + COALESCE(pa.amount, 0)
      + CASE WHEN inv.settled_date > dates.d THEN inv.unexplained ELSE 0 END)) AS open
  FROM dates JOIN inv ON inv.issue_date <= dates.d
  LEFT JOIN paid_after pa ON pa.d = dates.d AND pa.invoice_id = inv.id
)
SELECT d::text AS date, grp,
    COALESCE(sum(open), 0)::float8 AS total_amount, count(*)::int AS total_count,
    ${bucketColumns()},
    COALESCE(sum(open) FILTER (WHERE days_overdue > 30 AND NOT qualified), 0)::float8 AS unq_amount,
    count(*) FILTER (WHERE days_overdue > 30 AND NOT qualified)::int AS unq_count
FROM open_at WHERE open > 0
GROUP BY d, grp`;

const WINDOW_SALES_SQL = (groupBy: GroupBy) => `WITH ${DATES_CTE}, ${scopeCte(groupBy)}
SELECT dates.d::text AS date, sc.grp, sum(i.amount)::float8 AS sales
FROM dates
JOIN invoices i ON i.issue_date > dates.d - $4::int AND i.issue_date <= dates.d AND i.kind = 'invoice'
  AND ($5::text IS NULL OR i.currency = $5::text)
JOIN sc ON sc.id = i.customer_id
GROUP BY 1, 2`;

const MONTHLY_SALES_SQL = (groupBy: GroupBy) => `WITH ${scopeCte(groupBy, 1)}
SELECT to_char(i.issue_date, 'YYYY-MM') AS month, sc.grp, sum(i.amount)::float8 AS sales
FROM invoices i JOIN sc ON sc.id = i.customer_id
WHERE i.kind = 'invoice' AND i.issue_date >= $3::date AND i.issue_date <= $4::date AND ($5::text IS NULL OR i.currency = $5::text)
GROUP BY 1, 2`;


type ByDate<T> = Map<IsoDate, Map<string, T>>;

function put<T>(m: ByDate<T>, date: IsoDate, group: string, value: T) {
  let g = m.get(date);
  if (!g) m.set(date, (g = new Map()));
  g.set(group, value);
}

/** Receivables on each date, by group. Groups with nothing open are absent. */
export async function loadBalances(db: Db, dates: IsoDate[], scope: ReportScope): Promise<ByDate<Balance>> {
  const rows = await db.query<Record<string, number | string>>(BALANCES_SQL(scope.groupBy), [dates, scope.collector, scope.segment, scope.currency]);
  const out: ByDate<Balance> = new Map();
  for (const r of rows) {
    put(out, r.date as string, r.grp as string, {
      total: { amount: roundMoney(r.total_amount as number), count: r.total_count as number },
      buckets: BUCKETS.map((_, i) => ({ amount: roundMoney(r[`b${i}_amount`] as number), count: r[`b${i}_count`] as number })),
      overdue30Unqualified: { amount: roundMoney(r.unq_amount as number), count: r.unq_count as number },
    });
  }
  return out;
}

/** Credit sales (invoices issued) in the `windowDays` days ending on each date. */
export async function loadWindowSales(db: Db, dates: IsoDate[], windowDays: number, scope: ReportScope): Promise<ByDate<number>> {
  const rows = await db.query<{ date: IsoDate; grp: string; sales: number }>(
    WINDOW_SALES_SQL(scope.groupBy), [dates, scope.collector, scope.segment, windowDays, scope.currency],
  );
  const out: ByDate<number> = new Map();
  for (const r of rows) put(out, r.date, r.grp, roundMoney(r.sales));
  return out;
}

/** Credit sales per calendar month ('YYYY-MM') and group, issued from `from` to `to` inclusive. */
export async function loadMonthlySales(db: Db, from: IsoDate, to: IsoDate, scope: ReportScope): Promise<Map<string, Map<string, number>>> {
  const rows = await db.query<{ month: string; grp: string; sales: number }>(
    MONTHLY_SALES_SQL(scope.groupBy), [scope.collector, scope.segment, from, to, scope.currency],
  );
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) put(out, r.month, r.grp, roundMoney(r.sales));
  return out;
}

/** What a report was narrowed to, as every report says it. */
export type ReportFilters = Pick<ReportScope, 'collector' | 'segment' | 'currency'>;

export const filtersOf = ({ collector, segment, currency }: ReportScope): ReportFilters => ({ collector, segment, currency });

/** Every group seen in any series, sorted; the portfolio is always there. */
export function groupsOf(scope: ReportScope, ...series: Map<string, Map<string, unknown>>[]): string[] {
  if (scope.groupBy === 'portfolio') return ['portfolio'];
  const seen = new Set<string>();
  for (const s of series) for (const g of s.values()) for (const k of g.keys()) seen.add(k);
  return [...seen].sort();
}

export interface ReportEnvelope<R> {
  asOf: IsoDate;
  groupBy: GroupBy;
  filters: ReportFilters;
  method: string;
  /** On the as-of date (its month, to date), one row per group. */
  groups: R[];
  /** Month by month, oldest first, the last month ending on the as-of date. */
  trend: R[];
}

export function envelope<R>(asOf: IsoDate, scope: ReportScope, method: string, trend: R[], onAsOf: (r: R) => boolean): ReportEnvelope<R> {
  return {
    asOf,
    groupBy: scope.groupBy,
    filters: filtersOf(scope),
    method,
    groups: trend.filter(onAsOf),
    trend,
  };
}
