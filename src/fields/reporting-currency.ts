// The reporting currency balances are valued in (REPORTING_CURRENCY), recorded
// in the database when the service starts: saved searches and rules read it in
// SQL, where no configuration reaches, and every process of a deployment reads
// the same one.
import type { Db } from '../db/sql.js';
import type { Logger } from '../ml/registry/types.js';
import { OPEN_RECEIVABLES } from './balances.js';

const KEY = 'reporting-currency';

/** SQL: the recorded reporting currency, USD until a start records one (the configuration's default). */
export const REPORTING_CURRENCY_SQL = `COALESCE((SELECT value->>'currency' FROM service_state WHERE key = '${KEY}'), 'USD')`;

/**
 * SQL: what one `a` is worth in `b` on `asOf` by the pair's latest quote
 * either way (inverted when quoted from `b`; on the same day the quote from
 * `a` wins). NULL when no quote links them.
 */
const pairValueSql = (a: string, b: string, asOf: string) => `(SELECT CASE WHEN x.currency = ${a} THEN x.rate ELSE 1 / x.rate END
      FROM exchange_rates x
      WHERE x.rate_date <= ${asOf} AND x.rate > 0
        AND ((x.currency = ${a} AND x.quote_currency = ${b}) OR (x.currency = ${b} AND x.quote_currency = ${a}))
      ORDER BY x.rate_date DESC, x.currency = ${a} DESC LIMIT 1)`;

// DISTINCT on each side, though the UNION removes duplicates anyway: the
// planner then expects a handful of currencies, not one per rate row. Counting
// them by rows priced the valuation's subqueries in the billions, and
// PostgreSQL spent seconds compiling (JIT) any query holding it, the facts of
// one customer included.
const NAMED_CURRENCIES = 'SELECT DISTINCT currency FROM exchange_rates UNION SELECT DISTINCT quote_currency FROM exchange_rates';

/**
 * One row per currency an exchange rate names, and the reporting currency
 * itself: `rate`, what one unit is worth in the reporting currency on `asOf`
 * (a date expression or placeholder), by the agenda's rule
 * (src/agenda/currencies.ts): its own pair with the reporting currency, else
 * through the first other currency by code that links both. NULL where no
 * rate prices the currency by then.
 */
export function valuationSql(asOf: string): string {
  return `SELECT k.currency, CASE WHEN k.currency = rep.code THEN 1::numeric ELSE COALESCE(
      ${pairValueSql('k.currency', 'rep.code', asOf)},
      (SELECT hop.v FROM (
        SELECT p.currency AS pivot, ${pairValueSql('k.currency', 'p.currency', asOf)} * ${pairValueSql('p.currency', 'rep.code', asOf)} AS v
        FROM (${NAMED_CURRENCIES}) p WHERE p.currency NOT IN (k.currency, rep.code)
      ) hop WHERE hop.v IS NOT NULL ORDER BY hop.pivot LIMIT 1)) END AS rate
    FROM (SELECT ${REPORTING_CURRENCY_SQL} AS code) rep
    CROSS JOIN LATERAL (${NAMED_CURRENCIES} UNION SELECT rep.code) k(currency)`;
}

/**
 * Every open invoice of a customer valued in the reporting currency, each in
 * its own currency, one row per customer with open receivables: customer_id,
 * open_amount, overdue_amount (aged at `asOf`), and priced, false when a
 * currency of them has no rate (the amounts then mean nothing). `where`: a
 * further condition on `invoices i`. `rates`: the `valuationSql` rows at
 * `asOf`, by default computed here; a query that values other amounts too
 * passes the name of its one copy.
 */
export function valuedOpenSql(asOf: string, where?: string, rates = `(${valuationSql(asOf)})`): string {
  return `SELECT i.customer_id, bool_and(fx.rate IS NOT NULL) AS priced,
      sum(i.open_amount * fx.rate) AS open_amount,
      sum(i.open_amount * fx.rate) FILTER (WHERE i.due_date < ${asOf}) AS overdue_amount
    FROM invoices i LEFT JOIN ${rates} fx ON fx.currency = i.currency
    WHERE ${OPEN_RECEIVABLES}${where ? ` AND ${where}` : ''}
    GROUP BY i.customer_id`;
}

/** SQL columns of a `valuedOpenSql` row `v` joined to customers: zero with nothing open, empty when unpriced. */
export const VALUED_COLUMNS = (v: string) => `CASE WHEN ${v}.customer_id IS NULL THEN 0 WHEN ${v}.priced THEN ${v}.open_amount END::float8 AS "reportingOpenAmount",
    CASE WHEN ${v}.customer_id IS NULL THEN 0 WHEN ${v}.priced THEN COALESCE(${v}.overdue_amount, 0) END::float8 AS "reportingOverdueAmount"`;

/** Records the configured reporting currency; a change is logged, as every valued field moves with it. */
export async function recordReportingCurrency(db: Db, currency: string, log?: Logger): Promise<void> {
  const [before] = await db.query<{ currency: string }>(`SELECT value->>'currency' AS currency FROM service_state WHERE key = $1`, [KEY]);
  if (before?.currency === currency) return;
  await db.query(
    `INSERT INTO service_state (key, value) VALUES ($1, jsonb_build_object('currency', $2::text))
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [KEY, currency],
  );
  if (before) log?.warn({ from: before.currency, to: currency }, 'REPORTING_CURRENCY changed: valued balances move with it at the next refresh');
}
