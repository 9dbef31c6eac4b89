// Aged balance by customer (balance âgée client par client): each customer's
// receivables open on the date, spread over the aging balance's buckets, the
// report a credit manager reads customer by customer before a review or a
// call round. Read with the aging's own SQL (OPEN_AT_SQL), so the buckets of
// its customers add up to the aging balance's to the cent. Its credit notes
// not yet applied stand beside them, not aged (they have no due date), with
// what it owes net of them: a customer's own credits only, never below 0.
// A customer with such a credit and nothing open has a row too: it is owed money.
import type { Db } from '../db/sql.js';
import type { IsoDate } from '../agenda/types.js';
import { invalidAt } from '../errors.js';
import { roundMoney } from '../util/round.js';
import type { Consolidation } from './consolidation.js';
import { cursorParams, datedCursor, datedCursorKey, oneDateHead, oneDateParams } from './one-date.js';
import {
  BUCKETS, bucketColumns, creditCurrencies, heldCreditsColumns, heldCreditsOf, netOfCredits, OPEN_AT_SQL, readsCredits,
  unpricedColumn, valuationFor, valueOf, type AmountCount, type ReportFilters, type ReportScope, type Valued,
} from './series.js';

export interface AgedCustomer {
  customerExternalId: string;
  customerName: string;
  customerSegment: string | null;
  /** The customer's collector (externalId), as it is now. */
  collector: string | null;
  /** Open on the date: every bucket, not yet due included. */
  total: AmountCount;
  /** Past due on the date: 1-30 and later. */
  overdue: AmountCount;
  /** current (not yet due), 1-30, 31-60, 61-90, 90+. */
  buckets: (AmountCount & { bucket: string })[];
  /** Days past due of its oldest open invoice on the date; 0 or less when none is past due; null with none open. */
  maxDaysOverdue: number | null;
  /** Its credit notes not yet applied on the date, in the report's currency (consolidated: at the date's rate). */
  unappliedCredits: number;
  /** The part of them beyond what it owes: owed to it, and lowering no one else's receivables. */
  excessCredits: number;
  /** total.amount less its unapplied credits, never below 0. */
  net: number;
  /** As they are now, beside what it owes: the credit granted (in accountCurrency; null when none is set) and the risk score. */
  creditLimit: number | null;
  accountCurrency: string;
  riskScore: number | null;
}

export interface AgedBalance {
  asOf: IsoDate;
  filters: ReportFilters;
  method: string;
  consolidation?: Consolidation;
  /** Every customer of the report, not only a page's: the aging balance's figures on the date. */
  totals: { customers: number; total: AmountCount; overdue: AmountCount; buckets: (AmountCount & { bucket: string })[] } & CustomerCredits;
  customers: AgedCustomer[];
  nextCursor: string | null;
}

export const AGED_BALANCE_METHOD =
  'Every customer with an amount open on the date (amount minus allocations paid by then, as in the aging balance), ' +
  'one row each, ordered by customer name and externalId (orderBy=name) or by overdue amount, largest first, then ' +
  'externalId (orderBy=overdue); its open invoices counted and summed by days past due: ' +
  'current (not yet due), 1-30, 31-60, 61-90, 90+. The buckets of all its customers are the aging balance\'s. ' +
  'unappliedCredits = its credit notes issued by the date and not yet applied (not aged: they have no due date), in ' +
  'the same currency; net = total less them, never below 0, the rest being excessCredits; a customer with such credits ' +
  'and nothing open has a row of its own.';

export interface AgedBalanceQuery {
  asOf: IsoDate;
  scope: ReportScope;
  /** name: A to Z; overdue: the largest overdue first (the top debtors), then by externalId. */
  orderBy: AgedOrder;
}

// $1 to $5 (and the rates $6 to $8) are OPEN_AT_SQL's.
const firstParam = ({ fx }: Valued) => (fx ? 9 : 6);

// The buckets count invoices only; a credit note is summed apart.
const INVOICES = ` AND kind = 'invoice'`;
const CREDITS = `COALESCE(sum(valued) FILTER (WHERE kind = 'credit_note'), 0)::float8 AS credits`;
const OVERDUE = BUCKETS.slice(1).map((_, i) => `b${i + 1}_amount`).join(' + ');

/** Invoices and, in a report that can add them up (readsCredits), credit notes. */
interface Read extends Valued {
  credits: boolean;
}

const BY_CUSTOMER_CTE = (read: Read) => `${OPEN_AT_SQL('portfolio', read, { kind: read.credits ? 'both' : 'invoice' })},
open_rows AS (SELECT o.*, ${valueOf(read.fx, 'o.open')} AS valued FROM open_at o WHERE o.open > 0),
customer_sums AS (
  SELECT o.customer_id, ${bucketColumns('valued', INVOICES)}, ${CREDITS},
    max(days_overdue) FILTER (WHERE kind = 'invoice')::int AS max_days_overdue${read.fx ? `,
    ${unpricedColumn('currency', 'd', 'fx_rate', 'kind')}` : ''}
  FROM open_rows o GROUP BY o.customer_id
),
-- The aging's credit rule, customer by customer: its credits on its own overdue, then on its current.
by_customer AS (SELECT s.*, ${heldCreditsColumns('s.credits', `(${OVERDUE})`, 's.b0_amount')} FROM customer_sums s),
aged AS (
  SELECT b.*, c.external_id AS customer_external_id, c.name AS customer_name, c.segment AS customer_segment, col.external_id AS collector,
    c.credit_limit::float8 AS credit_limit, c.currency AS account_currency, c.risk_score,
    -- The largest overdue first, compared as the cursor writes it (numeric text), so no page repeats or skips a customer.
    round((${OVERDUE})::numeric, 4) AS overdue_key
  FROM by_customer b JOIN customers c ON c.id = b.customer_id LEFT JOIN collectors col ON col.id = c.collector_id
)`;

/** How a page is ordered, how it continues after a cursor's key, and that key. */
export type AgedOrder = 'name' | 'overdue';
const ORDERS: Record<AgedOrder, { by: (t: string) => string; after: (p: number) => string }> = {
  name: {
    by: (t) => `${t}.customer_name, ${t}.customer_external_id`,
    after: (p) => `(a.customer_name, a.customer_external_id) > ($${p}::text, $${p + 1}::text)`,
  },
  overdue: {
    by: (t) => `${t}.overdue_key DESC, ${t}.customer_external_id`,
    after: (p) => `(a.overdue_key < $${p}::numeric OR (a.overdue_key = $${p}::numeric AND a.customer_external_id > $${p + 1}::text))`,
  },
};

const CUSTOMER_COLUMNS = `customer_external_id, customer_name, customer_segment, collector, max_days_overdue, overdue_key::text AS overdue_key,
  credit_limit, account_currency, risk_score, credits, on_overdue, on_current, excess,
  ${BUCKETS.map((_, i) => `b${i}_amount, b${i}_count`).join(', ')}`;

const PAGE_SQL = (read: Read, order: AgedOrder) => {
  const p = firstParam(read);
  return `${BY_CUSTOMER_CTE(read)},
held AS (
  SELECT count(*)::int AS customers, COALESCE(sum(on_overdue), 0)::float8 AS on_overdue, COALESCE(sum(on_current), 0)::float8 AS on_current,
    COALESCE(sum(excess), 0)::float8 AS excess
  FROM by_customer
),
totals AS (
  SELECT ${bucketColumns('valued', INVOICES)}, ${CREDITS}${read.fx ? `,
    ${unpricedColumn('currency', 'd', 'fx_rate', 'kind')}` : ''}
  FROM open_rows
),
page AS (
  SELECT * FROM aged a
  WHERE $${p}::text IS NULL OR ${ORDERS[order].after(p)}
  ORDER BY ${ORDERS[order].by('a')}
  LIMIT $${p + 2}::int
)
SELECT ${BUCKETS.map((_, i) => `totals.b${i}_amount AS t${i}_amount, totals.b${i}_count AS t${i}_count`).join(', ')}, held.customers AS t_customers,
  totals.credits AS t_credits, held.on_overdue AS t_on_overdue, held.on_current AS t_on_current, held.excess AS t_excess, ${read.fx ? 'totals.unpriced, ' : ''}page.customer_id, ${CUSTOMER_COLUMNS.split(',').map((c) => `page.${c.trim()}`).join(', ')}
FROM totals CROSS JOIN held LEFT JOIN page ON true
ORDER BY ${ORDERS[order].by('page')}`;
};

const ALL_SQL = (read: Read, order: AgedOrder) => `${BY_CUSTOMER_CTE(read)}
SELECT ${CUSTOMER_COLUMNS}${read.fx ? ', unpriced' : ''} FROM aged a ORDER BY ${ORDERS[order].by('a')}`;

type Row = Record<string, unknown>;

/** Buckets, the total and the overdue from columns `<prefix><i>_amount` and `_count`, each sum rounded once as the aging balance rounds. */
function bucketsOf(r: Row, prefix: string) {
  const amounts = BUCKETS.map((_, i) => r[`${prefix}${i}_amount`] as number);
  const counts = BUCKETS.map((_, i) => r[`${prefix}${i}_count`] as number);
  const from = (first: number): AmountCount => ({
    amount: roundMoney(amounts.slice(first).reduce((s, a) => s + a, 0)), count: counts.slice(first).reduce((s, n) => s + n, 0),
  });
  return { buckets: BUCKETS.map((bucket, i) => ({ bucket, amount: roundMoney(amounts[i]), count: counts[i] })), total: from(0), overdue: from(1) };
}

export interface CustomerCredits {
  unappliedCredits: number;
  excessCredits: number;
  net: number;
}

/** Credits beside what is open, as heldCreditsColumns held them (`<prefix>credits`, …), netted as the aging balance nets its groups'. */
function creditsOf(open: ReturnType<typeof bucketsOf>, r: Row, prefix: string): CustomerCredits {
  const net = netOfCredits(open, heldCreditsOf(r, prefix));
  return { unappliedCredits: net.credits, excessCredits: net.excess, net: net.total };
}

function customerOf(r: Row): AgedCustomer {
  const open = bucketsOf(r, 'b');
  return {
    customerExternalId: r.customer_external_id as string,
    customerName: r.customer_name as string,
    customerSegment: r.customer_segment as string | null,
    collector: r.collector as string | null,
    ...open,
    maxDaysOverdue: r.max_days_overdue as number | null,
    ...creditsOf(open, r, ''),
    creditLimit: r.credit_limit as number | null,
    accountCurrency: r.account_currency as string,
    riskScore: r.risk_score as number | null,
  };
}

const isAmount = (text: string) => /^-?\d+(\.\d+)?$/.test(text);

/** The key an `after` cursor names after its date: its order, then the last customer's key; a 400 for any other. */
function afterKey(after: string, q: AgedBalanceQuery): string[] {
  const [by, ...key] = datedCursorKey(after, q.asOf, cursorParams(q), 3, ([by, first]) => by in ORDERS && (by !== 'overdue' || isAmount(first)), 'report');
  if (by !== q.orderBy) throw invalidAt('querystring/after', `continues the report ordered by ${by}: ask for orderBy=${by}, or start again without after`);
  return key;
}

const keyOf = (order: AgedOrder, r: Row) => (order === 'name' ? [r.customer_name, r.customer_external_id] : [r.overdue_key, r.customer_external_id]) as string[];

/** One page of customers, with the totals of all of them. */
export async function agedBalance(db: Db, q: AgedBalanceQuery & { limit: number; after?: string }): Promise<AgedBalance> {
  const after = q.after === undefined ? [null, null] : afterKey(q.after, q);
  const fx = await valuationFor(db, q.scope, q.asOf, await creditCurrencies(db, q.scope, true));
  const rows = await db.query<Row>(PAGE_SQL({ fx: !!fx, credits: readsCredits(q.scope) }, q.orderBy), [...oneDateParams(q, fx), ...after, q.limit + 1]);
  fx?.need(rows[0].unpriced as string[] | null);
  fx?.check();
  const found = rows.filter((r) => r.customer_id !== null);
  const page = found.slice(0, q.limit);
  const nextCursor = found.length > q.limit ? datedCursor(q.asOf, cursorParams(q), [q.orderBy, ...keyOf(q.orderBy, page[page.length - 1])]) : null;
  const open = bucketsOf(rows[0], 't');
  const totals = { customers: rows[0].t_customers as number, ...open, ...creditsOf(open, rows[0], 't_') };
  return { ...oneDateHead(q, AGED_BALANCE_METHOD, fx), totals, customers: page.map(customerOf), nextCursor };
}

/** Every customer of the report, for its export: no totals line, which a spreadsheet sums itself. */
export async function agedCustomers(db: Db, q: AgedBalanceQuery): Promise<Omit<AgedBalance, 'totals' | 'nextCursor'>> {
  const fx = await valuationFor(db, q.scope, q.asOf, await creditCurrencies(db, q.scope, true));
  const rows = await db.query<Row>(ALL_SQL({ fx: !!fx, credits: readsCredits(q.scope) }, q.orderBy), oneDateParams(q, fx));
  // What no rate priced is summed as nothing: the whole export is refused, as a page is.
  for (const r of rows) fx?.need(r.unpriced as string[] | null);
  fx?.check();
  return { ...oneDateHead(q, AGED_BALANCE_METHOD, fx), customers: rows.map(customerOf) };
}
