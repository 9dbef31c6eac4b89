// Risk report (brief 004: the credit manager monitors "the Risky Customers
// group as a priority by selecting this group in the risk agenda as in the
// risk report"): the exposure on each date by the customers' risk score that
// day, and what stood above their credit limits and insurer covers, beside
// the customers in insolvency proceedings. The risk agenda lists the reviews
// to make today; this says how much is at stake, and how it moved.
import type { Db } from '../db/sql.js';
import type { IsoDate } from '../agenda/types.js';
import { DEFAULT_AGENDA_POLICY } from '../agenda/policy.js';
import { isFiniteSql, jsonNumberSql, utcDay } from '../db/sql-values.js';
import { roundMoney } from '../util/round.js';
import { MONEY_LIMIT } from '../util/bounds.js';
import { trendMonths } from './periods.js';
import {
  envelope, fxParams, groupsOf, limitCurrenciesInScope, OPEN_AT_SQL, put, ratio, scopeParams, valuationFor, valueOf,
  type AmountCount, type ByDate, type GroupBy, type ReportEnvelope, type ReportScope, type Valued,
} from './series.js';

/**
 * Risk scores run 0 (safe) to 100 (risky). High starts where the risk agenda
 * calls a downgrade; the medium band splits the rest where a provider's
 * "average" usually begins.
 */
export const RISK_BANDS = [
  { band: 'high', from: DEFAULT_AGENDA_POLICY.risk.highScore },
  { band: 'medium', from: 40 },
  { band: 'low', from: Number.NEGATIVE_INFINITY },
] as const;

export const UNSCORED = 'unscored';

export interface RiskBand {
  band: string;
  customers: number;
  exposure: number;
  overdue: number;
  /** Of the exposure. */
  share: number;
}

export interface RiskRow {
  month: string;
  date: IsoDate;
  group: string;
  /** Customers with receivables open on the date. */
  customers: number;
  /** Open receivables (invoices), as in the aging balance. */
  exposure: AmountCount;
  overdue: AmountCount;
  /** High, medium and low risk score on the date, then the customers no score covered. */
  bands: RiskBand[];
  /** Customers whose exposure stood above their credit limit: that exposure, and the part above the limits. */
  overLimit: { customers: number; exposure: number; excess: number };
  /** Customers with no credit limit: exposure nobody decided to grant. */
  withoutLimit: { customers: number; exposure: number };
  /** Customers whose exposure stood above their insurer's cover, and the uninsured part; a cover of 0 (refused): all of it. */
  aboveCover: { customers: number; excess: number };
  /** Customers with no insurer cover recorded: exposure whose cover nobody knows. */
  withoutCover: { customers: number; exposure: number };
  /** Customers in insolvency proceedings on the date (reported on or before it). */
  insolvent: { customers: number; exposure: number };
}

export type RiskReport = ReportEnvelope<RiskRow>;

export const RISK_METHOD =
  'Open invoices on the date, with their open amount then (as in the aging balance), by customer. Each customer counts ' +
  `in the band of its risk score that day: high from ${RISK_BANDS[0].from}, medium from ${RISK_BANDS[1].from}, low below (0 safe to 100 risky), unscored ` +
  "without one. A score or credit limit on a past date is the provider's or the committee's latest event on or before " +
  "it (risk_score_change, credit_limit_decision), or the 'previous' value the first later event gives (an event with no " +
  'value, or one that is no score, infinite, or no limit, below 0 or from 10^13, is left out); a customer ' +
  'without such events has its current score and limit on every date. The insurer cover is the current one: above it, ' +
  'the exposure over the cover (a cover of 0, the insurer\'s refusal: all of it); without cover, the customers with none ' +
  'recorded, counted apart since nobody knows it. Over the ' +
  'limit: exposure above the credit limit (a limit of 0 grants no credit); a limit is in the account currency, so in ' +
  "a one-currency report only the customers whose account is in that currency are compared, on their invoices in it " +
  '(consolidated: every invoice and the limit, valued that day). Insolvent: an insolvency event on or before the date.';

/** A field the provider's and the committee's events keep, and the values it can take. */
interface EventKept {
  kind: string;
  /** The customer's column, as float8: the value of a customer no event touched. */
  current: string;
  /** SQL: whether a value is one the field can take, false for none (NaN is not one: it compares above every number). */
  holds: (value: string) => string;
}

const SCORE: EventKept = { kind: 'risk_score_change', current: 'c.risk_score', holds: isFiniteSql };
// What an import lets the credit_limit column hold: a limit of -1e308 put 1e308 above it, two overflowed the sum.
const LIMIT: EventKept = { kind: 'credit_limit_decision', current: 'c.credit_limit::float8', holds: (v) => `${v} >= 0 AND ${v} < ${MONEY_LIMIT}` };

/**
 * A customer's value of an event-kept field as it stood on a day: the latest
 * event by then; before the first, what that event says it replaced; the
 * current column for a customer no event ever touched. An event with no value,
 * or one the field cannot take, is left out, the one before standing in (as the
 * risk agenda leaves out such a score): it says nothing of the value, and
 * turned a scored customer unscored.
 *
 * Set-based, one pass over the events in scope: each kept event stands from its
 * day until the next one's (an earlier one of the same day never stands), and
 * what the first replaced stands before it. These spans cover every day once, so
 * a report date meets exactly one span of a customer with events, none of one
 * without. Subqueries per customer and date made the report two to three
 * times as slow as the aging balance it is built on, at 100,000 customers; the
 * spans take about 3 s of its 23 (npm run bench -- reports).
 */
const spansOf = (name: string, { kind, holds }: EventKept) => `${name}_kept AS (
  SELECT customer_id, day, value, payload, row_number() OVER w AS k, lead(day) OVER w AS next_day
  FROM events WHERE kind = '${kind}' AND ${holds('value')}
  WINDOW w AS (PARTITION BY customer_id ORDER BY occurred_at, id)
),
${name}_spans AS (
  SELECT customer_id, day AS from_day, next_day AS to_day, value FROM ${name}_kept
  UNION ALL
  SELECT customer_id, NULL, day, CASE WHEN ${holds('previous')} THEN previous END
  FROM (SELECT customer_id, day, ${jsonNumberSql("payload->'previous'")} AS previous FROM ${name}_kept WHERE k = 1) f
)`;

/** The span of `name` that day `x.d` meets, as `alias`. */
const spanOn = (name: string, alias: string) => `LEFT JOIN ${name}_spans ${alias} ON ${alias}.customer_id = x.customer_id
    AND (${alias}.from_day IS NULL OR ${alias}.from_day <= x.d) AND (${alias}.to_day IS NULL OR x.d < ${alias}.to_day)`;

/** The value from the span a report date met; the current column for a customer with no span. */
const stoodAt = (alias: string, { current, holds }: EventKept) =>
  `CASE WHEN ${alias}.customer_id IS NULL THEN CASE WHEN ${holds(current)} THEN ${current} END ELSE ${alias}.value END`;

const bandOf = (score: string) => `CASE ${RISK_BANDS.filter((b) => Number.isFinite(b.from))
  .map((b) => `WHEN ${score} >= ${b.from} THEN '${b.band}'`).join(' ')} WHEN ${score} IS NOT NULL THEN 'low' ELSE '${UNSCORED}' END`;

// $5: the report's currency (a limit is compared in it only for accounts kept in it); consolidated, the fx table's
// rate of the account currency values the limit and the cover the same day as the invoices. A limit of 0 (no credit
// granted) and a cover of 0 (the insurer refused) are 0 in any currency: such an account needs no rate, and its whole
// exposure is above them. No cover recorded is not 0: nobody knows it, so it is counted apart, as no limit is.
const RISK_SQL = (groupBy: GroupBy, valued: Valued) => `${OPEN_AT_SQL(groupBy, valued)},
exposure AS (
  SELECT d, grp, customer_id,
    sum(${valueOf(valued.fx, 'open')}) AS amount, count(*)::int AS invoices,
    COALESCE(sum(${valueOf(valued.fx, 'open')}) FILTER (WHERE days_overdue > 0), 0) AS overdue,
    count(*) FILTER (WHERE days_overdue > 0)::int AS overdue_invoices${valued.fx ? `,
    string_agg(DISTINCT CASE WHEN fx_rate IS NULL THEN currency || ' ' || d::text END, ',') AS unpriced` : ''}
  FROM open_at WHERE open > 0
  GROUP BY d, grp, customer_id
),
events AS (
  SELECT e.customer_id, e.kind, ${utcDay('e.occurred_at')} AS day, e.occurred_at, e.id, e.value, e.payload
  FROM external_events e JOIN sc ON sc.id = e.customer_id
  WHERE e.kind IN ('${SCORE.kind}', '${LIMIT.kind}', 'insolvency')
),
${spansOf('score', SCORE)},
${spansOf('limit', LIMIT)},
insolvent_from AS (SELECT customer_id, min(day) AS day FROM events WHERE kind = 'insolvency' GROUP BY customer_id),
stood AS (
  SELECT x.*, c.currency AS account_currency,
    ${stoodAt('ss', SCORE)} AS score,
    ${stoodAt('ls', LIMIT)} AS credit_limit,
    c.insurer_cover::float8 AS cover,
    COALESCE(i.day <= x.d, false) AS insolvent${valued.fx ? `,
    afx.rate AS account_rate` : ''}
  FROM exposure x JOIN customers c ON c.id = x.customer_id
  ${spanOn('score', 'ss')}
  ${spanOn('limit', 'ls')}
  LEFT JOIN insolvent_from i ON i.customer_id = x.customer_id${valued.fx ? `
  LEFT JOIN fx afx ON afx.currency = c.currency AND afx.day = x.d` : ''}
),
compared AS (
  SELECT s.*, ${bandOf('s.score')} AS band,
    ${valued.fx ? 'CASE WHEN s.credit_limit = 0 THEN 0 ELSE s.credit_limit * s.account_rate END' : 'CASE WHEN s.credit_limit = 0 THEN 0 WHEN s.account_currency = $5::text THEN s.credit_limit END'} AS limit_in,
    ${valued.fx ? 'CASE WHEN s.cover = 0 THEN 0 ELSE s.cover * s.account_rate END' : 'CASE WHEN s.cover = 0 THEN 0 WHEN s.account_currency = $5::text THEN s.cover END'} AS cover_in
  FROM stood s
),
by_band AS (
  SELECT d, grp, jsonb_object_agg(band, jsonb_build_object('customers', customers, 'exposure', amount, 'overdue', overdue)) AS bands
  FROM (SELECT d, grp, band, count(*)::int AS customers, sum(amount)::float8 AS amount, sum(overdue)::float8 AS overdue
        FROM compared GROUP BY d, grp, band) b
  GROUP BY d, grp
),
totals AS (
  SELECT d, grp, count(*)::int AS customers,
    sum(amount)::float8 AS exposure_amount, sum(invoices)::int AS exposure_count,
    sum(overdue)::float8 AS overdue_amount, sum(overdue_invoices)::int AS overdue_count,
    count(*) FILTER (WHERE amount > limit_in)::int AS over_customers,
    COALESCE(sum(amount) FILTER (WHERE amount > limit_in), 0)::float8 AS over_exposure,
    COALESCE(sum(amount - limit_in) FILTER (WHERE amount > limit_in), 0)::float8 AS over_excess,
    count(*) FILTER (WHERE credit_limit IS NULL)::int AS nolimit_customers,
    COALESCE(sum(amount) FILTER (WHERE credit_limit IS NULL), 0)::float8 AS nolimit_exposure,
    count(*) FILTER (WHERE amount > cover_in)::int AS cover_customers,
    COALESCE(sum(amount - cover_in) FILTER (WHERE amount > cover_in), 0)::float8 AS cover_excess,
    count(*) FILTER (WHERE cover IS NULL)::int AS nocover_customers,
    COALESCE(sum(amount) FILTER (WHERE cover IS NULL), 0)::float8 AS nocover_exposure,
    count(*) FILTER (WHERE insolvent)::int AS insolvent_customers,
    COALESCE(sum(amount) FILTER (WHERE insolvent), 0)::float8 AS insolvent_exposure${valued.fx ? `,
    concat_ws(',', string_agg(unpriced, ','), string_agg(DISTINCT CASE WHEN (credit_limit > 0 OR cover > 0) AND account_rate IS NULL
      THEN account_currency || ' ' || d::text || ' limit' END, ',')) AS unpriced` : ''}
  FROM compared
  GROUP BY d, grp
)
SELECT t.*, t.d::text AS date, b.bands FROM totals t JOIN by_band b ON b.d = t.d AND b.grp = t.grp`;

interface RiskSqlRow {
  date: IsoDate;
  grp: string;
  customers: number;
  exposure_amount: number;
  exposure_count: number;
  overdue_amount: number;
  overdue_count: number;
  bands: Record<string, { customers: number; exposure: number; overdue: number }>;
  over_customers: number;
  over_exposure: number;
  over_excess: number;
  nolimit_customers: number;
  nolimit_exposure: number;
  cover_customers: number;
  cover_excess: number;
  nocover_customers: number;
  nocover_exposure: number;
  insolvent_customers: number;
  insolvent_exposure: number;
  unpriced?: string | null;
}

/** The bands of every row, in this order. */
export const RISK_BAND_NAMES: readonly string[] = [...RISK_BANDS.map((b) => b.band), UNSCORED];

/** One row from the SQL's aggregates of a group on a date; with no open receivables, zeros. */
export function riskRow(month: string, date: IsoDate, group: string, r: RiskSqlRow | undefined): RiskRow {
  const exposure = roundMoney(r?.exposure_amount ?? 0);
  return {
    month,
    date,
    group,
    customers: r?.customers ?? 0,
    exposure: { amount: exposure, count: r?.exposure_count ?? 0 },
    overdue: { amount: roundMoney(r?.overdue_amount ?? 0), count: r?.overdue_count ?? 0 },
    bands: RISK_BAND_NAMES.map((band) => {
      const b = r?.bands[band];
      const amount = roundMoney(b?.exposure ?? 0);
      return { band, customers: b?.customers ?? 0, exposure: amount, overdue: roundMoney(b?.overdue ?? 0), share: ratio(amount, exposure) ?? 0 };
    }),
    overLimit: { customers: r?.over_customers ?? 0, exposure: roundMoney(r?.over_exposure ?? 0), excess: roundMoney(r?.over_excess ?? 0) },
    withoutLimit: { customers: r?.nolimit_customers ?? 0, exposure: roundMoney(r?.nolimit_exposure ?? 0) },
    aboveCover: { customers: r?.cover_customers ?? 0, excess: roundMoney(r?.cover_excess ?? 0) },
    withoutCover: { customers: r?.nocover_customers ?? 0, exposure: roundMoney(r?.nocover_exposure ?? 0) },
    insolvent: { customers: r?.insolvent_customers ?? 0, exposure: roundMoney(r?.insolvent_exposure ?? 0) },
  };
}

export async function riskReport(db: Db, q: { asOf: IsoDate; months: number; scope: ReportScope }): Promise<RiskReport> {
  const months = trendMonths(q.asOf, q.months);
  const dates = months.map((m) => m.end);
  // Limits and covers are valued in their account currency too: the consolidation lists its rates.
  const fx = await valuationFor(db, q.scope, q.asOf, q.scope.consolidatedIn ? await limitCurrenciesInScope(db, q.scope) : []);
  const rows = await db.query<RiskSqlRow>(
    RISK_SQL(q.scope.groupBy, { fx: !!fx }),
    [dates, ...scopeParams(q.scope), q.scope.currency, ...fxParams(fx, () => dates)],
  );
  const byDate: ByDate<RiskSqlRow> = new Map();
  for (const r of rows) {
    fx?.need(r.unpriced ? r.unpriced.split(',').filter(Boolean) : null);
    put(byDate, r.date, r.grp, r);
  }
  fx?.check();
  const groups = groupsOf(q.scope, byDate);
  const trend = months.flatMap((m) => groups.map((g) => riskRow(m.month, m.end, g, byDate.get(m.end)?.get(g))));
  return envelope(q.asOf, q.scope, RISK_METHOD, trend, (r) => r.date === q.asOf, fx?.describe(dates));
}
