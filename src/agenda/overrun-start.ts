// Since when a limit or a cover has been exceeded, read back from the ledger:
// without it an overrun review was due on the planning day, every day, so one
// left undone for weeks never showed as late and never rose in priority.
//
// The exposure only rises on the day an invoice is issued; between two issues
// payments and credits only lower it (fields/open-on.ts). So it is lowest on
// the eve of each issue: the overrun started the day after the last such eve
// at or under the threshold. One query for every overrun of the portfolio,
// reading only the customers over on the planning day, back `lookbackDays`.
import type { Db } from '../db/sql.js';
import { openOnCtes, openOnSql } from '../fields/open-on.js';
import { ratesOf } from './currencies.js';
import { addDays } from './dates.js';
import { overrunsOf, type Overrun, type OverrunKind } from './exposure.js';
import { overrunKeyPrefix } from './overrun-key.js';
import type { AgendaPolicy } from './policy.js';
import type { ExchangeRate, IsoDate, OverrunStart, RiskFacts } from './types.js';

// Each amount valued at the planning day's rates, as the planner values
// today's balance: the threshold is today's, and a rate move alone is no
// overrun to date.
const OVERRUN_START_SQL = `WITH over AS (
  SELECT * FROM unnest($3::int[], $4::text[], $5::float8[]) AS o(customer_id, kind, threshold)
),
fx AS (SELECT * FROM unnest($6::text[], $7::text[], $8::float8[]) AS f(account, currency, rate)),
${openOnCtes({
  firstDay: '($1::date - $2::int)',
  lastDay: '$1::date',
  from: 'invoices i',
  // The customers' ids as the array they came in, not through \`over\`: the
  // planner then reads their invoices, and the allocations of those invoices
  // (an array it computes once), by their indexes, not all of them.
  where: ' AND i.customer_id = ANY($3::int[])',
  allocations: 'pa.invoice_id = ANY(ARRAY(SELECT id FROM invoices WHERE customer_id = ANY($3::int[])))',
})},
eves AS (SELECT DISTINCT customer_id, issue_date - 1 AS d FROM inv WHERE issue_date > $1::date - $2::int),
paid_after AS (
  SELECT eves.customer_id, eves.d, later.invoice_id, sum(later.amount) AS amount
  FROM eves JOIN inv ON inv.customer_id = eves.customer_id AND inv.issue_date <= eves.d
  JOIN later ON later.invoice_id = inv.id AND later.payment_date > eves.d
  GROUP BY 1, 2, 3
),
exposure AS (
  SELECT eves.customer_id, eves.d, COALESCE(sum(${openOnSql('inv', 'eves.d', 'pa.amount')} * fx.rate), 0) AS amount
  FROM eves JOIN customers c ON c.id = eves.customer_id
  LEFT JOIN inv ON inv.customer_id = eves.customer_id AND inv.issue_date <= eves.d
  LEFT JOIN fx ON fx.account = c.currency AND fx.currency = inv.currency
  LEFT JOIN paid_after pa ON pa.customer_id = eves.customer_id AND pa.d = eves.d AND pa.invoice_id = inv.id
  GROUP BY 1, 2
)
SELECT o.customer_id AS "customerId", o.kind, (max(e.d) FILTER (WHERE e.amount <= o.threshold) + 1)::text AS since
FROM over o LEFT JOIN exposure e ON e.customer_id = o.customer_id
GROUP BY o.customer_id, o.kind, o.threshold`;

/** The rates into each account currency the overruns are held in, as (account, currency, rate) columns. */
function rateColumns(overruns: Overrun[], rates: ExchangeRate[]): [string[], string[], number[]] {
  const cols: [string[], string[], number[]] = [[], [], []];
  for (const account of new Set(overruns.map((o) => o.accountCurrency))) {
    for (const [currency, rate] of ratesOf(rates, account)) {
      cols[0].push(account);
      cols[1].push(currency);
      cols[2].push(rate);
    }
  }
  return cols;
}

// The latest day each overrun review of these customers and kinds was keyed
// by, at or before the look-back's first day, whatever became of the review
// (planned, closed, or cancelled by the planner). Only for overruns older than
// the look-back: a handful of customers, read by their index.
const KEYED_ON_SQL = `SELECT w.customer_id AS "customerId", w.kind, max(substr(a.dedupe_key, length(w.prefix) + 1, 10)) AS "keyedOn"
FROM unnest($1::int[], $2::text[], $3::text[]) AS w(customer_id, kind, prefix)
JOIN actions a ON a.customer_id = w.customer_id AND a.dedupe_key LIKE w.prefix || '____-__-__#%'
WHERE substr(a.dedupe_key, length(w.prefix) + 1, 10) <= $4
GROUP BY 1, 2`;

type Row = { customerId: number; kind: OverrunKind };

/** `keyedOn` for the overruns over since the look-back's first day at least (`overrun-key.ts` says why). */
async function keyedOnOf(db: Db, long: Row[], earliest: IsoDate): Promise<(Row & { keyedOn: IsoDate })[]> {
  if (long.length === 0) return [];
  return db.query(KEYED_ON_SQL, [
    long.map((o) => o.customerId), long.map((o) => o.kind), long.map((o) => overrunKeyPrefix(o.kind, o.customerId)), earliest,
  ]);
}

/**
 * The risk facts with the start of each overrun (`overSince`). Over on every
 * eve looked back at: the look-back's first day, at least, with the day its
 * review was keyed by when it was within the look-back.
 */
export async function withOverrunStarts(
  db: Db, risk: Omit<RiskFacts, 'overSince'>[], rates: ExchangeRate[], asOf: IsoDate, policy: AgendaPolicy,
): Promise<RiskFacts[]> {
  const lookbackDays = policy.risk.overrunLookbackDays;
  const overruns = overrunsOf(risk, rates, policy);
  const rows = overruns.length === 0 ? [] : await db.query<Row & { since: IsoDate | null }>(OVERRUN_START_SQL, [
    asOf, lookbackDays,
    overruns.map((o) => o.customerId), overruns.map((o) => o.kind), overruns.map((o) => o.threshold),
    ...rateColumns(overruns, rates),
  ]);
  const earliest = addDays(asOf, -lookbackDays);
  const keyed = new Map((await keyedOnOf(db, rows.filter((r) => r.since === null), earliest)).map((k) => [`${k.kind}:${k.customerId}`, k.keyedOn]));
  const starts = new Map<number, RiskFacts['overSince']>();
  for (const r of rows) {
    const keyedOn = keyed.get(`${r.kind}:${r.customerId}`);
    const since: OverrunStart = r.since === null
      ? { on: earliest, atLeast: true, ...(keyedOn === undefined ? {} : { keyedOn }) }
      : { on: r.since, atLeast: false };
    starts.set(r.customerId, { ...starts.get(r.customerId), [r.kind]: since });
  }
  return risk.map((r) => ({ ...r, overSince: starts.get(r.customerId) ?? {} }));
}
