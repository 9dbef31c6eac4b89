// The SQL under every report: receivables as they stood on given dates, by
// group, and credit sales. Set-based, one query per series, both backends.
//
// Open amount of an invoice on day d (receivables as they stood then, not as
// they stand now): src/fields/open-on.ts.
//
// Invoices only: credit notes are neither aged nor netted from sales (the
// facts query ignores them too); the DSO and the CEI offset the unapplied ones
// from the receivables when asked (netCredits, loadCredits below), each from its
// own customer's, and the aging balance shows them beside its buckets. One currency per report, unless it is
// consolidated: amounts in different currencies cannot be added as they are,
// so a scope holding several is asked which one (the route's scopeOf), or for
// all of them valued in the reporting currency (consolidation.ts: each series
// then joins a table of rates by currency and day, and lists what it could not
// value in an `unpriced` column).
import type { Db } from '../db/sql.js';
import { consolidatedMethod, daysFromTo, Valuation, type Consolidation, type RateParams } from './consolidation.js';
import { AGING_BUCKETS } from '../fields/registry.js';
import type { IsoDate } from '../agenda/types.js';
import { addDays, maxIso, minIso } from '../agenda/dates.js';
import { roundMoney } from '../util/round.js';
import { openOnCtes, openOnSql, type DocumentKind } from '../fields/open-on.js';

export type GroupBy = 'portfolio' | 'collector' | 'segment';

export interface ReportScope {
  groupBy: GroupBy;
  /** Only this collector's customers (externalId). */
  collector: string | null;
  /** Only this segment. */
  segment: string | null;
  /** Only the customers with no collector: the `(unassigned)` group. */
  noCollector?: boolean;
  /** Only the customers with no segment: the `(none)` group. */
  noSegment?: boolean;
  /** Only the members of this customer group (externalId): brief 004's "Very late customers", "Risky customers". */
  group?: string | null;
  /** Only invoices in this currency (ISO 4217); null when the scope holds one currency or none, or is consolidated. */
  currency: string | null;
  /** Every currency, each amount valued in this one (REPORTING_CURRENCY): a consolidated report. */
  consolidatedIn?: string | null;
}

/** What `filters.currency` says of a consolidated report. */
export const CONSOLIDATED = 'consolidated';

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
  /** Everything past due (all buckets but current), summed before it is rounded, as the total is. */
  overdue: AmountCount;
  /** More than 30 days past due with no status qualification on that day. */
  overdue30Unqualified: AmountCount;
}

/** The qualification of an overdue invoice flagged disputed on the platform but given no status. */
export const DISPUTED = 'disputed';
/** Neither a status nor the disputed flag: nobody has recorded what the customer said. */
export const UNQUALIFIED = 'unqualified';

/** part / whole to four decimals, as the reports give shares and rates; null when the whole is nothing. */
export const ratio = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);

const ZERO: AmountCount = { amount: 0, count: 0 };
export const emptyBalance = (): Balance => ({ total: ZERO, buckets: BUCKETS.map(() => ZERO), overdue: ZERO, overdue30Unqualified: ZERO });

// Group expressions are chosen from this list, never built from input.
const GROUP_SQL: Record<GroupBy, string> = {
  portfolio: `'portfolio'`,
  collector: `COALESCE(col.external_id, '(unassigned)')`,
  segment: `COALESCE(c.segment, '(none)')`,
};

/**
 * `sc`: customers in scope with their group; the collector is parameter $p, the segment $(p+1), the customer group
 * $(p+2). A collector or segment of '' (NONE) asks for the customers without one: no request can name '' (the routes
 * want one character at least), and it keeps every report's parameter numbers as they are.
 */
const scopeCte = (groupBy: GroupBy, p = 2) => `sc AS (
  SELECT c.id, ${GROUP_SQL[groupBy]} AS grp
  FROM customers c LEFT JOIN collectors col ON col.id = c.collector_id
  WHERE ($${p}::text IS NULL OR col.external_id IS NOT DISTINCT FROM NULLIF($${p}::text, '${NONE}'))
    AND ($${p + 1}::text IS NULL OR c.segment IS NOT DISTINCT FROM NULLIF($${p + 1}::text, '${NONE}'))
    AND ($${p + 2}::text IS NULL OR EXISTS (
      SELECT 1 FROM group_members gm JOIN customer_groups cg ON cg.id = gm.group_id WHERE gm.customer_id = c.id AND cg.external_id = $${p + 2}::text))
)`;

/** What scopeCte reads as "no collector" or "no segment". */
const NONE = '';

type ScopeFilters = Pick<ReportScope, 'collector' | 'segment' | 'group' | 'noCollector' | 'noSegment'>;

/** The parameters of scopeCte, in its order. */
export const scopeParams = (scope: ScopeFilters) =>
  [scope.noCollector ? NONE : scope.collector, scope.noSegment ? NONE : scope.segment, scope.group ?? null];

/** Currencies of the invoices (or the credit notes) of the customers a report covers, sorted. */
export async function currenciesInScope(db: Db, scope: ScopeFilters, kind: 'invoice' | 'credit_note' = 'invoice'): Promise<string[]> {
  const rows = await db.query<{ currency: string }>(
    `WITH ${scopeCte('portfolio', 1)} SELECT DISTINCT i.currency FROM invoices i JOIN sc ON sc.id = i.customer_id WHERE i.kind = $4 ORDER BY 1`,
    [...scopeParams(scope), kind],
  );
  return rows.map((r) => r.currency);
}

/** Account currencies of the customers in scope with a credit limit or an insurer cover: what a risk report values them in. */
export async function limitCurrenciesInScope(db: Db, scope: ScopeFilters): Promise<string[]> {
  const rows = await db.query<{ currency: string }>(
    `WITH ${scopeCte('portfolio', 1)} SELECT DISTINCT c.currency FROM customers c JOIN sc ON sc.id = c.id
     WHERE c.credit_limit > 0 OR c.insurer_cover > 0 ORDER BY 1`,
    scopeParams(scope),
  );
  return rows.map((r) => r.currency);
}

/**
 * A consolidated report's rates into its currency, dated up to `upTo`, for the currencies of its invoices and `more`;
 * null for a report in one currency.
 */
export async function valuationFor(db: Db, scope: ReportScope, upTo: IsoDate, more: string[] = []): Promise<Valuation | null> {
  if (!scope.consolidatedIn) return null;
  const currencies = [...new Set([...(await currenciesInScope(db, scope)), ...more])].sort();
  return Valuation.load(db, scope.consolidatedIn, currencies, upTo);
}

/** The customers a report covers (its collector and segment filters), by id, with their group. */
export async function customersInScope(db: Db, scope: ReportScope): Promise<Map<number, string>> {
  const rows = await db.query<{ id: number; grp: string }>(`WITH ${scopeCte(scope.groupBy, 1)} SELECT id, grp FROM sc ORDER BY id`, scopeParams(scope));
  return new Map(rows.map((r) => [r.id, r.grp]));
}

const DATES_CTE = `dates AS (SELECT DISTINCT d FROM unnest($1::date[]) AS u(d)),
bounds AS (SELECT min(d) AS first_d, max(d) AS last_d FROM dates)`;

/** The conditions on `days_overdue` of each of BUCKETS, in its order. */
const BUCKET_RANGES = ['days_overdue <= 0', 'days_overdue BETWEEN 1 AND 30', 'days_overdue BETWEEN 31 AND 60',
  'days_overdue BETWEEN 61 AND 90', 'days_overdue > 90'];

/** `b<i>_amount` and `b<i>_count` of each of BUCKETS: the sum of `value` and the count of the rows in it (and `where`). */
export const bucketColumns = (value: string, where = '') =>
  BUCKET_RANGES.map((r, i) => `COALESCE(sum(${value}) FILTER (WHERE ${r}${where}), 0)::float8 AS b${i}_amount,
    count(*) FILTER (WHERE ${r}${where})::int AS b${i}_count`).join(',\n    ');

/** The name of the bucket of a row with `days_overdue`, by the same bounds as bucketColumns. */
export const bucketOfSql = () => `CASE ${BUCKET_RANGES.map((r, i) => `WHEN ${r} THEN '${BUCKETS[i]}'`).join(' ')} END`;

/**
 * Whether a report can hold credit notes against its receivables: in one currency, or consolidated. A scope with no
 * invoice has no currency, and its credit notes, in whatever currencies, cannot be added up.
 */
export const readsCredits = (scope: ReportScope) => !!scope.consolidatedIn || scope.currency !== null;

/** A consolidated series' rates: what one unit of `currency` is worth in the reporting currency on `day` ($p to $p+2). */
const fxCte = (p: number) => `fx AS (SELECT * FROM unnest($${p}::text[], $${p + 1}::date[], $${p + 2}::float8[]) AS f(currency, day, rate))`;

/**
 * The amounts a consolidated series could not value, as 'CUR YYYY-MM-DD' (currency, day it needed a rate), followed
 * by the document's `kind` in a series that reads credit notes too (Valuation.need).
 */
export const unpricedColumn = (currency: string, day: string, rate: string, kind?: string) =>
  `array_agg(DISTINCT ${currency} || ' ' || ${day}::text${kind ? ` || ' ' || ${kind}` : ''}) FILTER (WHERE ${rate} IS NULL) AS unpriced`;

/** A series' SQL: in one currency, or consolidated (`fx`: every amount times its rate). */
export interface Valued {
  fx: boolean;
}

export const valueOf = (fx: boolean, amount: string) => (fx ? `${amount} * fx_rate` : amount);

// Each invoice's open amount on each date, with its days past due and its
// qualification that day: the status set by then (a status set later counts as
// not yet set), else 'disputed' when flagged disputed, else 'unqualified'.
/** What OPEN_AT_SQL reads besides the scope's invoices in the report's currency. */
export interface OpenAtRead {
  /** Invoices (the default), credit notes, or both. */
  kind?: DocumentKind;
  /** Further CTEs, after the scope's (`sc`) and the report dates' (`dates`, `bounds`). */
  ctes?: string;
  /** Narrows the documents: a further join of `invoices i` (` JOIN x ON …`), the columns it adds to `inv` and a condition (` AND …`). */
  join?: string;
  columns?: string;
  where?: string;
  /** Narrows the allocations read (openOnCtes' `allocations`). */
  allocations?: string;
  /** Narrows the dates each document is read on (` AND …`, of `inv` and `dates.d`). */
  onDay?: string;
}

export const OPEN_AT_SQL = (groupBy: GroupBy, { fx }: Valued, read: OpenAtRead = {}) => `WITH ${DATES_CTE},
${scopeCte(groupBy)},${fx ? `\n${fxCte(6)},` : ''}${read.ctes ? `\n${read.ctes},` : ''}
${openOnCtes({
  firstDay: '(SELECT first_d FROM bounds)',
  lastDay: '(SELECT last_d FROM bounds)',
  from: `invoices i JOIN sc ON sc.id = i.customer_id${read.join ?? ''}`,
  columns: `, sc.grp, i.status, i.status_date, i.disputed, i.kind${read.columns ?? ''}`,
  where: ` AND ($5::text IS NULL OR i.currency = $5::text)${read.where ?? ''}`,
  allocations: read.allocations,
  kind: read.kind,
})},
paid_after AS (
  SELECT dates.d, later.invoice_id, sum(later.amount) AS amount
  FROM dates JOIN later ON later.payment_date > dates.d
  GROUP BY dates.d, later.invoice_id
),
open_at AS (
  SELECT dates.d, inv.grp, inv.id AS invoice_id, inv.customer_id, inv.kind, dates.d - inv.due_date AS days_overdue,${fx ? ' inv.currency, fx.rate AS fx_rate,' : ''}
    CASE WHEN inv.status IS NOT NULL AND inv.status <> 'none' AND (inv.status_date IS NULL OR inv.status_date <= dates.d) THEN inv.status
      WHEN inv.disputed THEN '${DISPUTED}' ELSE '${UNQUALIFIED}' END AS status_on,
    ${openOnSql('inv', 'dates.d', 'pa.amount')} AS open
  FROM dates JOIN inv ON inv.issue_date <= dates.d${read.onDay ?? ''}
  LEFT JOIN paid_after pa ON pa.d = dates.d AND pa.invoice_id = inv.id${fx ? `
  LEFT JOIN fx ON fx.currency = inv.currency AND fx.day = dates.d` : ''}
)`;

const BALANCES_SQL = (groupBy: GroupBy, valued: Valued) => `${OPEN_AT_SQL(groupBy, valued)}
SELECT d::text AS date, grp,
    COALESCE(sum(${valueOf(valued.fx, 'open')}), 0)::float8 AS total_amount, count(*)::int AS total_count,
    ${bucketColumns(valueOf(valued.fx, 'open'))},
    COALESCE(sum(${valueOf(valued.fx, 'open')}) FILTER (WHERE days_overdue > 0), 0)::float8 AS overdue_amount,
    count(*) FILTER (WHERE days_overdue > 0)::int AS overdue_count,
    COALESCE(sum(${valueOf(valued.fx, 'open')}) FILTER (WHERE days_overdue > 30 AND status_on = '${UNQUALIFIED}'), 0)::float8 AS unq_amount,
    count(*) FILTER (WHERE days_overdue > 30 AND status_on = '${UNQUALIFIED}')::int AS unq_count${valued.fx ? `,
    ${unpricedColumn('currency', 'd', 'fx_rate')}` : ''}
FROM open_at WHERE open > 0
GROUP BY d, grp`;

const STATUSES_SQL = (groupBy: GroupBy, valued: Valued) => `${OPEN_AT_SQL(groupBy, valued)}
SELECT d::text AS date, grp, status_on AS status,
    COALESCE(sum(${valueOf(valued.fx, 'open')}), 0)::float8 AS amount, count(*)::int AS count${valued.fx ? `,
    ${unpricedColumn('currency', 'd', 'fx_rate')}` : ''}
FROM open_at WHERE open > 0 AND days_overdue > 0
GROUP BY d, grp, status_on`;

/**
 * The credit rule, written once for every report that shows credit notes (the aging balance, the DSO and the CEI net
 * of them, the aged balance by customer): a customer's credits unapplied on a date are held against its own
 * receivables that day, what is overdue first (as the agenda's credit_offset asks a collector to apply a credit before
 * chasing what is late), then what is not yet due, and stop at what it owes: a credit can only be applied to its own
 * customer's invoices, so the rest (`excess`) is owed to the customer and offsets nothing, neither its receivables
 * below 0 nor another customer's. The columns of one customer's row, from its `credits`, `overdue` and `current`.
 */
export const heldCreditsColumns = (credits: string, overdue: string, current: string) =>
  `LEAST(${credits}, ${overdue}) AS on_overdue, LEAST(${credits} - LEAST(${credits}, ${overdue}), ${current}) AS on_current,
    GREATEST(${credits} - ${overdue} - ${current}, 0) AS excess`;

// Only what the credits need is read: the customers with a credit note that may be unapplied on a report date (issued
// by the last, and open, or applied after the first), on the dates from its issue on, and their invoices' allocations.
// A customer credited once long ago, or whose credits were all applied before the trend, costs nothing. `credited` is
// not narrowed to the scope: its credit notes are few, and joined to the scope the planner walked every invoice by index.
const CREDITED: OpenAtRead = {
  ctes: `credited AS (
  SELECT cn.customer_id, min(cn.issue_date) AS since
  FROM invoices cn
  WHERE cn.kind = 'credit_note' AND ($5::text IS NULL OR cn.currency = $5::text) AND cn.issue_date <= (SELECT last_d FROM bounds)
    AND (cn.open_amount > 0 OR cn.settled_date > (SELECT first_d FROM bounds) OR EXISTS (
      SELECT 1 FROM payment_allocations a JOIN payments p ON p.id = a.payment_id WHERE a.invoice_id = cn.id AND p.payment_date > (SELECT first_d FROM bounds)))
  GROUP BY cn.customer_id
)`,
  join: ' JOIN credited cr ON cr.customer_id = i.customer_id',
  columns: ', cr.since',
  allocations: 'pa.invoice_id IN (SELECT ci.id FROM invoices ci JOIN credited USING (customer_id) JOIN sc ON sc.id = ci.customer_id)',
  onDay: ' AND inv.since <= dates.d',
  kind: 'both',
};

// Credit notes not yet applied on each date (issued by then, open as an invoice is read open: allocations paid by then,
// the part applied without one once settled), in the report's currency or valued at the date's rate, held customer by
// customer against what that customer owed that day (heldCreditsColumns).
export const CUSTOMER_CREDITS_CTE = (groupBy: GroupBy, valued: Valued) => `${OPEN_AT_SQL(groupBy, valued, CREDITED)},
owed AS (
  SELECT d, grp, customer_id,
    COALESCE(sum(${valueOf(valued.fx, 'open')}) FILTER (WHERE kind = 'invoice' AND days_overdue > 0), 0) AS overdue,
    COALESCE(sum(${valueOf(valued.fx, 'open')}) FILTER (WHERE kind = 'invoice' AND days_overdue <= 0), 0) AS current,
    COALESCE(sum(${valueOf(valued.fx, 'open')}) FILTER (WHERE kind = 'credit_note'), 0) AS credits,
    -- Counted rather than summed: a credit note no rate valued sums as nothing, yet its group must say it was not valued.
    count(*) FILTER (WHERE kind = 'credit_note') AS credit_notes
  FROM open_at WHERE open > 0
  GROUP BY d, grp, customer_id
),
held AS (
  SELECT owed.*, ${heldCreditsColumns('credits', 'overdue', 'current')}
  FROM owed WHERE credit_notes > 0
)`;

const CREDITS_SQL = (groupBy: GroupBy, valued: Valued) => `${CUSTOMER_CREDITS_CTE(groupBy, valued)}${valued.fx ? `,
unpriced AS (
  SELECT d, grp, ${unpricedColumn('currency', 'd', 'fx_rate', 'kind')} FROM open_at WHERE open > 0 GROUP BY d, grp
)` : ''}
SELECT held.d::text AS date, held.grp, sum(credits)::float8 AS credits, sum(on_overdue)::float8 AS on_overdue,
    sum(on_current)::float8 AS on_current, sum(excess)::float8 AS excess${valued.fx ? ', u.unpriced' : ''}
FROM held${valued.fx ? ' LEFT JOIN unpriced u ON u.d = held.d AND u.grp = held.grp' : ''}
GROUP BY held.d, held.grp${valued.fx ? ', u.unpriced' : ''}`;

// A credit sale is valued at its issue date's rate.
const salesFx = (fx: boolean) => (fx ? `
LEFT JOIN fx ON fx.currency = i.currency AND fx.day = i.issue_date` : '');
const salesColumns = (fx: boolean) => (fx
  ? `COALESCE(sum(i.amount * fx.rate), 0)::float8 AS sales, ${unpricedColumn('i.currency', 'i.issue_date', 'fx.rate')}`
  : 'sum(i.amount)::float8 AS sales');

const WINDOW_SALES_SQL = (groupBy: GroupBy, { fx }: Valued) => `WITH ${DATES_CTE}, ${scopeCte(groupBy)}${fx ? `, ${fxCte(7)}` : ''}
SELECT dates.d::text AS date, sc.grp, ${salesColumns(fx)}
FROM dates
JOIN invoices i ON i.issue_date > dates.d - $5::int AND i.issue_date <= dates.d AND i.kind = 'invoice'
  AND ($6::text IS NULL OR i.currency = $6::text)
JOIN sc ON sc.id = i.customer_id${salesFx(fx)}
GROUP BY 1, 2`;

const MONTHLY_SALES_SQL = (groupBy: GroupBy, { fx }: Valued) => `WITH ${scopeCte(groupBy, 1)}${fx ? `, ${fxCte(7)}` : ''}
SELECT to_char(i.issue_date, 'YYYY-MM') AS month, sc.grp, ${salesColumns(fx)}
FROM invoices i JOIN sc ON sc.id = i.customer_id${salesFx(fx)}
WHERE i.kind = 'invoice' AND i.issue_date >= $4::date AND i.issue_date <= $5::date AND ($6::text IS NULL OR i.currency = $6::text)
GROUP BY 1, 2`;


export type ByDate<T> = Map<IsoDate, Map<string, T>>;

export function put<T>(m: ByDate<T>, date: IsoDate, group: string, value: T) {
  let g = m.get(date);
  if (!g) m.set(date, (g = new Map()));
  g.set(group, value);
}

/** The parameters of a series' rates: none in one currency. */
export const fxParams = (fx: Valuation | null | undefined, days: () => IsoDate[]): RateParams | [] => (fx ? fx.params(days()) : []);

/**
 * Receivables on each date, by group. Groups with nothing open are absent.
 * `fx`: consolidated, each date's receivables valued at its rates.
 */
export async function loadBalances(db: Db, dates: IsoDate[], scope: ReportScope, fx?: Valuation | null): Promise<ByDate<Balance>> {
  const rows = await db.query<Record<string, number | string | string[] | null>>(
    BALANCES_SQL(scope.groupBy, { fx: !!fx }),
    [dates, ...scopeParams(scope), scope.currency, ...fxParams(fx, () => dates)],
  );
  const out: ByDate<Balance> = new Map();
  for (const r of rows) {
    fx?.need(r.unpriced as string[] | null);
    put(out, r.date as string, r.grp as string, {
      total: { amount: roundMoney(r.total_amount as number), count: r.total_count as number },
      buckets: BUCKETS.map((_, i) => ({ amount: roundMoney(r[`b${i}_amount`] as number), count: r[`b${i}_count`] as number })),
      overdue: { amount: roundMoney(r.overdue_amount as number), count: r.overdue_count as number },
      overdue30Unqualified: { amount: roundMoney(r.unq_amount as number), count: r.unq_count as number },
    });
  }
  return out;
}

/** What a consolidated report net of credit notes values besides its invoices: the credit notes' currencies. */
export const creditCurrencies = async (db: Db, scope: ReportScope, netCredits: boolean | undefined): Promise<string[]> =>
  (netCredits && scope.consolidatedIn ? currenciesInScope(db, scope, 'credit_note') : []);

/** A group's credit notes unapplied on a date, and how much of them its customers' own receivables took. */
export interface HeldCredits {
  /** Every credit note unapplied that day. */
  credits: number;
  /** Held against its own customer's overdue receivables. */
  onOverdue: number;
  /** Then against that customer's receivables not yet due. */
  onCurrent: number;
  /** What its customers are owed beyond what they owe: held against nothing. */
  excess: number;
}

export const NO_CREDITS: HeldCredits = { credits: 0, onOverdue: 0, onCurrent: 0, excess: 0 };

/** The sums of heldCreditsColumns and of the credits in a row's `<prefix>credits`, `on_overdue`, `on_current`, `excess`, each rounded once. */
export const heldCreditsOf = (r: Record<string, unknown>, prefix = ''): HeldCredits => ({
  credits: roundMoney(r[`${prefix}credits`] as number),
  onOverdue: roundMoney(r[`${prefix}on_overdue`] as number),
  onCurrent: roundMoney(r[`${prefix}on_current`] as number),
  excess: roundMoney(r[`${prefix}excess`] as number),
});

/**
 * Unapplied credit notes on each date, by group, held customer by customer (CREDITS_SQL); groups with none are absent,
 * and every group when the report is not asked to net them (`netCredits`), as creditCurrencies.
 */
export async function loadCredits(
  db: Db, dates: IsoDate[], scope: ReportScope, fx: Valuation | null | undefined, netCredits: boolean | undefined,
): Promise<ByDate<HeldCredits>> {
  if (!netCredits || !readsCredits(scope)) return new Map();
  const rows = await db.query<{ date: IsoDate; grp: string; credits: number; on_overdue: number; on_current: number; excess: number; unpriced?: string[] | null }>(
    CREDITS_SQL(scope.groupBy, { fx: !!fx }),
    [dates, ...scopeParams(scope), scope.currency, ...fxParams(fx, () => dates)],
  );
  const out: ByDate<HeldCredits> = new Map();
  for (const r of rows) {
    fx?.need(r.unpriced ?? null);
    put(out, r.date, r.grp, heldCreditsOf(r));
  }
  return out;
}

/** Receivables net of unapplied credit notes (`netCredits=true`): what DSO and CEI read. */
export interface NetReceivables {
  total: number;
  current: number;
  overdue: number;
  /** Every credit note unapplied that day. */
  credits: number;
  /** What the customers are owed beyond what they owe: credits held against nothing. */
  excess: number;
}

/**
 * A group's receivables on a date, less the credit notes its customers could apply that day (heldCreditsColumns: each
 * customer's against its own overdue first, then its part not yet due). No part goes below 0: a customer owed more
 * than it owes lowers only its own receivables, to 0, and the rest is `excess`. Without credits, the receivables as they are.
 */
export function netOfCredits(balance: Pick<Balance, 'total' | 'buckets' | 'overdue'> | undefined, held: HeldCredits = NO_CREDITS): NetReceivables {
  const total = balance?.total.amount ?? 0;
  const current = balance?.buckets[0].amount ?? 0;
  const overdue = balance?.overdue.amount ?? 0;
  return {
    // What the report's own columns make, total − (credits − excess), so that they reconcile in a spreadsheet: the same
    // amount as onOverdue + onCurrent, but those two are rounded apart (consolidated, 123.3947 + 123.3947 held of what
    // is 246.789348 in all), and their sum was a ten-thousandth off it.
    // Each customer's part stops at 0, so the group's does: Math.max keeps a rounding of its sums from going past it.
    total: Math.max(0, roundMoney(total - (held.credits - held.excess))),
    current: Math.max(0, roundMoney(current - held.onCurrent)),
    overdue: Math.max(0, roundMoney(overdue - held.onOverdue)),
    credits: held.credits,
    excess: held.excess,
  };
}

/**
 * Overdue receivables on each date, by group and by the qualification they
 * carried that day (OPEN_AT_SQL). Groups with nothing overdue are absent.
 */
export async function loadStatusBalances(db: Db, dates: IsoDate[], scope: ReportScope, fx?: Valuation | null): Promise<ByDate<Map<string, AmountCount>>> {
  const rows = await db.query<{ date: IsoDate; grp: string; status: string; amount: number; count: number; unpriced?: string[] | null }>(
    STATUSES_SQL(scope.groupBy, { fx: !!fx }),
    [dates, ...scopeParams(scope), scope.currency, ...fxParams(fx, () => dates)],
  );
  const out: ByDate<Map<string, AmountCount>> = new Map();
  for (const r of rows) {
    fx?.need(r.unpriced ?? null);
    let byStatus = out.get(r.date)?.get(r.grp);
    if (!byStatus) put(out, r.date, r.grp, (byStatus = new Map()));
    // Rounded by the row, once its totals are summed (statusesRow).
    byStatus.set(r.status, { amount: r.amount, count: r.count });
  }
  return out;
}

interface SalesRow {
  grp: string;
  sales: number;
  /** Consolidated: the sales no rate valued, 'CUR YYYY-MM-DD'. */
  unpriced?: string[] | null;
}

/** Credit sales (invoices issued) in the `windowDays` days ending on each date; `fx`: consolidated, each at its issue date's rate. */
export async function loadWindowSales(db: Db, dates: IsoDate[], windowDays: number, scope: ReportScope, fx?: Valuation | null): Promise<ByDate<number>> {
  const issued = () => daysFromTo(addDays(minIso(dates), 1 - windowDays), maxIso(dates));
  const rows = await db.query<SalesRow & { date: IsoDate }>(
    WINDOW_SALES_SQL(scope.groupBy, { fx: !!fx }), [dates, ...scopeParams(scope), windowDays, scope.currency, ...fxParams(fx, issued)],
  );
  const out: ByDate<number> = new Map();
  for (const r of rows) {
    fx?.need(r.unpriced ?? null);
    put(out, r.date, r.grp, roundMoney(r.sales));
  }
  return out;
}

/** The key under which monthly sales a rate did not value wait until a report needs them. */
export const monthKey = (month: string, group: string) => `${month} ${group}`;

/**
 * Credit sales per calendar month ('YYYY-MM') and group, issued from `from` to `to` inclusive; `fx`: consolidated,
 * each at its issue date's rate, and what no rate valued deferred (monthKey) until the report says it reads that month.
 */
export async function loadMonthlySales(db: Db, from: IsoDate, to: IsoDate, scope: ReportScope, fx?: Valuation | null): Promise<Map<string, Map<string, number>>> {
  const rows = await db.query<SalesRow & { month: string }>(
    MONTHLY_SALES_SQL(scope.groupBy, { fx: !!fx }), [...scopeParams(scope), from, to, scope.currency, ...fxParams(fx, () => daysFromTo(from, to))],
  );
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) {
    fx?.defer(monthKey(r.month, r.grp), r.unpriced ?? null);
    put(out, r.month, r.grp, roundMoney(r.sales));
  }
  return out;
}

/** What a report was narrowed to, as every report says it. */
export type ReportFilters = Pick<ReportScope, 'collector' | 'segment' | 'currency'> & { group: string | null; noCollector: boolean; noSegment: boolean };

export const filtersOf = ({ collector, segment, group, currency, consolidatedIn, noCollector, noSegment }: ReportScope): ReportFilters =>
  ({ collector, segment, group: group ?? null, currency: consolidatedIn ? CONSOLIDATED : currency, noCollector: !!noCollector, noSegment: !!noSegment });

/** Every group seen in any series, sorted; the portfolio is always there. */
export function groupsOf(scope: ReportScope, ...series: Map<string, Map<string, unknown>>[]): string[] {
  if (scope.groupBy === 'portfolio') return ['portfolio'];
  const seen = new Set<string>();
  for (const s of series) for (const g of s.values()) for (const k of g.keys()) seen.add(k);
  return [...seen].sort();
}

/** A report's method, saying how it was consolidated when it was. */
export const methodOf = (method: string, consolidation: Consolidation | undefined) =>
  (consolidation ? method + consolidatedMethod(consolidation.currency) : method);

export interface ReportEnvelope<R> {
  asOf: IsoDate;
  groupBy: GroupBy;
  filters: ReportFilters;
  method: string;
  /** Consolidated reports only: the currency every amount is in, and the rates of the report dates. */
  consolidation?: Consolidation;
  /** On the as-of date (its month, to date), one row per group. */
  groups: R[];
  /** Month by month, oldest first, the last month ending on the as-of date. */
  trend: R[];
}

export function envelope<R>(
  asOf: IsoDate, scope: ReportScope, method: string, trend: R[], onAsOf: (r: R) => boolean, consolidation?: Consolidation,
): ReportEnvelope<R> {
  return {
    asOf,
    groupBy: scope.groupBy,
    filters: filtersOf(scope),
    method: methodOf(method, consolidation),
    ...(consolidation && { consolidation }),
    groups: trend.filter(onAsOf),
    trend,
  };
}
