// Loads the planner's facts: one set-based query per kind of fact, for the
// whole portfolio, one collector's customers, or a list of customers. Never a
// query per customer. Dates leave the database as 'YYYY-MM-DD' text; times
// (sent_at, done_at, received_at) are read as UTC days.
import type { Db } from '../db/sql.js';
import { openBalanceSql } from '../fields/balances.js';
import { DISPUTE_STATUS_LIST } from '../scoring/histories.js';
import { PROMISE_CUSTOMER, PROMISE_RECEIVED_AT, promiseInScopeSql, safeDateSql, triagedEmailsSql } from '../fields/email-promise.js';
import { isIsoDate } from './dates.js';
import { readSteps } from './steps.js';
import { withOverrunStarts } from './overrun-start.js';
import type { AgendaPolicy } from './policy.js';
import { finiteOrNullSql, isFiniteSql, jsonNumberSql, jsonTextSql, utcDay as UTC_DAY } from '../db/sql-values.js';
import type {
  Closure, CustomerContext, DunningScenario, EmailPromiseInvoice, ExchangeRate, InboundEmail, IsoDate, MissedDebitInvoice, PlanningFacts, PreDueInvoice,
  QualificationStatus, QualifiedInvoice, RiskFacts, ScenarioInvoice, UnappliedCredit,
} from './types.js';

export type PlanningScope =
  | { kind: 'portfolio' }
  | { kind: 'collector'; collectorId: number }
  | { kind: 'customers'; customerIds: number[] }
  /** The customers whose ids are from `from` to `to` (inclusive): a chunk of a portfolio run (plan-job.ts). */
  | { kind: 'range'; from: number; to: number };

export const QUALIFICATION_STATUSES: QualificationStatus[] = [
  'promise_to_pay', 'dispute', 'litigation', 'waiting_credit_note', 'payment_plan', 'paid_not_received',
];

/**
 * `sc`, the customers in scope, as a CTE. Each query passes its own
 * parameters first; the scope's (if any) comes after them.
 */
export function withScope(scope: PlanningScope, own: unknown[]): { cte: string; params: unknown[] } {
  const p = `$${own.length + 1}`;
  if (scope.kind === 'collector') return { cte: `sc AS (SELECT id FROM customers WHERE collector_id = ${p})`, params: [...own, scope.collectorId] };
  if (scope.kind === 'customers') return { cte: `sc AS (SELECT id FROM customers WHERE id = ANY(${p}::int[]))`, params: [...own, scope.customerIds] };
  if (scope.kind === 'range') return { cte: `sc AS (SELECT id FROM customers WHERE ${idRange(own.length)('id')})`, params: [...own, scope.from, scope.to] };
  return { cte: 'sc AS (SELECT id FROM customers)', params: own };
}

type InScope = (column: string) => string;

/** A condition on a customer id column: within the range given by the two parameters after `before`. */
const idRange = (before: number): InScope => (column) => `${column} BETWEEN $${before + 1}::int AND $${before + 2}::int`;

/**
 * The facts queries' scope: a condition on a customer id column, the scope's
 * parameter after each query's own. A collector's scope is read first as its
 * list of customer ids (by the collector_id index), then compared as an array
 * on each table's customer_id index: as a CTE the planner could not see
 * through it, and one collector's 5,000 customers cost a scan of every
 * customer and every invoice of the 100,000.
 */
function scopeFilter(scope: Exclude<PlanningScope, { kind: 'collector' }>, own: unknown[]): { inScope: InScope; params: unknown[] } {
  // Every customer id of these tables references a customer, or is joined to one.
  if (scope.kind === 'portfolio') return { inScope: (column) => `${column} IS NOT NULL`, params: own };
  // A range, not its ids as an array: each table's customer_id index reads it as one range scan.
  if (scope.kind === 'range') return { inScope: idRange(own.length), params: [...own, scope.from, scope.to] };
  const p = `$${own.length + 1}::int[]`;
  return { inScope: (column) => `${column} = ANY(${p})`, params: [...own, scope.customerIds] };
}

// What an incentive is about: no lever is pulled on a debt the customer contests (the incentive model leaves it out too).
const UNDISPUTED_OVERDUE = `sum(i.open_amount) FILTER (WHERE i.due_date < $1::date AND NOT i.disputed
  AND (i.status IS NULL OR i.status NOT IN (${DISPUTE_STATUS_LIST.map((s) => `'${s}'`).join(', ')}))) AS undisputed_overdue`;

const CUSTOMERS_SQL = (inScope: InScope) => `SELECT c.id AS "customerId", c.external_id AS "externalId", c.name, c.segment, c.collector_id AS "collectorId",
  col.external_id AS collector, COALESCE(o.currency, c.currency) AS currency, c.risk_score AS "riskScore", c.sales_rep AS "salesRep", c.adv,
  COALESCE(o.open_amount, 0)::float8 AS "openAmount", COALESCE(o.overdue_amount, 0)::float8 AS "overdueAmount",
  COALESCE(o.undisputed_overdue, 0)::float8 AS "undisputedOverdueAmount",
  COALESCE(o.by_currency, '[]'::jsonb) AS "byCurrency", o.max_days_overdue AS "maxDaysOverdue",
  m.late_probability AS "lateProbability", m.drift_score AS "driftScore", m.drift_alert AS "driftAlert",
  m.drift_reasons AS "driftReasons", m.drift_on::text AS "driftOn",
  m.lever AS "recommendedLever", m.lever_confidence AS "leverConfidence", m.lever_reasons AS "leverReasons",
  m.lever_on::text AS "leverOn", io.last_offer::text AS "lastIncentiveOn"
FROM customers c
LEFT JOIN collectors col ON col.id = c.collector_id
LEFT JOIN (${openBalanceSql('$1::date', { where: `${inScope('i.customer_id')} AND ${inScope('account.id')}`, byCurrency: true, more: UNDISPUTED_OVERDUE })}) o ON o.customer_id = c.id
-- Model outputs other code may write: a number no answer can carry (float8 takes NaN and ±Infinity) is none.
LEFT JOIN (
  SELECT entity_id,
    max(value_num) FILTER (WHERE name = 'lateProbability' AND ${isFiniteSql('value_num')}) AS late_probability,
    max(value_num) FILTER (WHERE name = 'driftScore' AND ${isFiniteSql('value_num')}) AS drift_score,
    bool_or(value_bool) FILTER (WHERE name = 'driftAlert') AS drift_alert,
    COALESCE((array_agg(reasons) FILTER (WHERE name = 'driftAlert'))[1],
             (array_agg(reasons) FILTER (WHERE name = 'driftScore'))[1]) AS drift_reasons,
    max(${UTC_DAY('computed_at')}) FILTER (WHERE name = 'driftAlert') AS drift_on,
    max(value_text) FILTER (WHERE name = 'recommendedLever') AS lever,
    max(confidence) FILTER (WHERE name = 'recommendedLever' AND ${isFiniteSql('confidence')}) AS lever_confidence,
    (array_agg(reasons) FILTER (WHERE name = 'recommendedLever'))[1] AS lever_reasons,
    max(${UTC_DAY('computed_at')}) FILTER (WHERE name = 'recommendedLever') AS lever_on
  FROM computed_fields
  WHERE entity_type = 'customer' AND name IN ('lateProbability', 'driftScore', 'driftAlert', 'recommendedLever')
    AND ${inScope('entity_id')}
  GROUP BY entity_id
) m ON m.entity_id = c.id
LEFT JOIN (
  SELECT customer_id, max(${UTC_DAY('offered_at')}) AS last_offer
  FROM incentive_offers WHERE ${inScope('customer_id')} AND ${UTC_DAY('offered_at')} <= $1::date
  GROUP BY customer_id
) io ON io.customer_id = c.id
WHERE ${inScope('c.id')}`;

const INVOICE_COLUMNS = `i.id AS "invoiceId", i.external_id AS "externalId", i.number, i.customer_id AS "customerId",
  i.due_date AS "dueDate", i.amount::float8 AS amount, i.open_amount::float8 AS "openAmount", i.currency`;

// Unqualified, undisputed open invoices are the ones a scenario works on;
// qualified ones leave it for their follow-up (brief 003).
const IN_SCENARIO = `i.open_amount > 0 AND i.kind = 'invoice' AND NOT i.disputed AND (i.status IS NULL OR i.status = 'none')`;

// Reasons are JSON other code may write too: every cast is guarded. A step a
// person closed stays handled whatever the planning day.
const SCENARIO_INVOICES_SQL = (inScope: InScope) => `WITH
cand AS (
  SELECT ${INVOICE_COLUMNS}, c.dunning_scenario_id AS "scenarioId"
  FROM invoices i JOIN customers c ON c.id = i.customer_id
  WHERE ${inScope('i.customer_id')} AND ${inScope('c.id')} AND c.dunning_scenario_id IS NOT NULL AND ${IN_SCENARIO}
),
sends AS (
  SELECT cand."invoiceId", cm.level, cm.channel, cm.template, ${UTC_DAY('cm.sent_at')} AS on_day
  FROM cand JOIN communications cm ON cm.customer_id = cand."customerId" AND cand."externalId" = ANY(cm.invoice_external_ids)
  WHERE ${UTC_DAY('cm.sent_at')} <= $1::date
  UNION ALL
  SELECT cand."invoiceId", (r->>'level')::int, r->>'channel', r->>'template', ${UTC_DAY('a.done_at')}
  FROM actions a
  CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(a.reasons) = 'array' THEN a.reasons ELSE '[]'::jsonb END) r
  CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(r->'invoiceIds') = 'array' THEN r->'invoiceIds' ELSE '[]'::jsonb END) x(invoice_id)
  JOIN cand ON cand."invoiceId"::text = x.invoice_id
  WHERE a.origin = 'scenario' AND a.done_at IS NOT NULL AND ${inScope('a.customer_id')}
    AND r->>'factor' = 'scenarioStep' AND COALESCE(r->>'level', '') ~ '^[0-9]{1,6}$'
)
SELECT cand.*, COALESCE(s.sends, '[]'::jsonb) AS sends
FROM cand LEFT JOIN (
  SELECT "invoiceId", jsonb_agg(jsonb_build_object('level', level, 'channel', channel, 'template', template, 'on', on_day)) AS sends
  FROM sends GROUP BY "invoiceId"
) s ON s."invoiceId" = cand."invoiceId"`;

const SCENARIOS_SQL = (inScope: InScope) => `SELECT id, external_id AS "externalId", name, steps FROM dunning_scenarios
WHERE id IN (SELECT dunning_scenario_id FROM customers WHERE ${inScope('id')})`;

// A disputed flag with no status is a dispute to follow up, as scoring reads it.
// In invoice order: an episode of several invoices (one promise on two) says
// what its first says (the day the promise was recorded, the comment); read in
// the order a plan happened to meet the rows, the portfolio's run and one
// customer planned live (stored-plan.ts) named different invoices' days.
const QUALIFIED_SQL = (inScope: InScope) => `SELECT ${INVOICE_COLUMNS}, CASE WHEN i.disputed AND (i.status IS NULL OR i.status = 'none') THEN 'dispute' ELSE i.status END AS status, i.status_date AS "statusDate", i.status_comment AS "statusComment",
  i.resolution_owner AS "resolutionOwner", i.promised_date AS "promisedDate", lp.last_payment AS "lastPaymentOn"
FROM invoices i
LEFT JOIN LATERAL (
  SELECT max(p.payment_date)::text AS last_payment
  FROM payment_allocations pa JOIN payments p ON p.id = pa.payment_id
  WHERE pa.invoice_id = i.id AND p.payment_date <= $1::date
) lp ON true
WHERE ${inScope('i.customer_id')} AND i.open_amount > 0 AND i.kind = 'invoice'
  AND (i.status = ANY($2::text[]) OR (i.disputed AND (i.status IS NULL OR i.status = 'none')))
ORDER BY i.id`;

// A call a person closed covered the invoices it named (invoiceIds of its
// reasons; one written before they named them, its invoice): they are not
// called about again, and one that qualifies later gets its own call. Keyed by
// the group's smallest id, a group that grew kept the closed key and the
// newcomer was never called about (had it the smaller id, the others were
// called about again). The courtesy call before the due date, the missed debit.
const CALLED_ABOUT = (keyPrefix: 'ml:predue:' | 'ml:debit:') => `EXISTS (SELECT 1 FROM actions a
  WHERE a.customer_id = i.customer_id AND a.dedupe_key LIKE '${keyPrefix}%' AND a.done_at IS NOT NULL
    AND (a.invoice_id = i.id OR EXISTS (
      SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(a.reasons) = 'array' THEN a.reasons ELSE '[]'::jsonb END) r
      WHERE jsonb_typeof(r->'invoiceIds') = 'array' AND r->'invoiceIds' @> to_jsonb(i.id))))`;

const PRE_DUE_SQL = (inScope: InScope) => `SELECT ${INVOICE_COLUMNS},
  COALESCE(fi.value_num, fc.value_num) AS "lateProbability",
  CASE WHEN fi.value_num IS NOT NULL THEN 'invoice' ELSE 'customer' END AS "probabilitySource",
  CASE WHEN fi.value_num IS NOT NULL THEN fi.reasons ELSE fc.reasons END AS "modelReasons"
FROM invoices i
LEFT JOIN computed_fields fi ON fi.entity_type = 'invoice' AND fi.name = 'lateProbability' AND fi.entity_id = i.id AND ${isFiniteSql('fi.value_num')}
LEFT JOIN computed_fields fc ON fc.entity_type = 'customer' AND fc.name = 'lateProbability' AND fc.entity_id = i.customer_id AND ${isFiniteSql('fc.value_num')}
WHERE ${inScope('i.customer_id')} AND ${IN_SCENARIO}
  AND i.due_date > $1::date AND i.due_date <= $1::date + $2::int AND i.open_amount >= $3
  AND COALESCE(fi.value_num, fc.value_num) >= $4 AND NOT ${CALLED_ABOUT('ml:predue:')}`;

// The model says why, in the forecast's reasons; a dispute is not a missed debit.
const MISSED_DEBIT_SQL = (inScope: InScope) => `SELECT ${INVOICE_COLUMNS}, f.reasons AS "modelReasons"
FROM invoices i
JOIN computed_fields f ON f.entity_type = 'invoice' AND f.name = 'lateProbability' AND f.entity_id = i.id
WHERE ${inScope('i.customer_id')} AND ${IN_SCENARIO} AND i.due_date < $1::date
  AND f.reasons @> '[{"factor": "missedDueDate"}]'::jsonb AND NOT ${CALLED_ABOUT('ml:debit:')}`;

// An email a person answered stays answered: its key names the customer too
// (a suggestion is closed by the customer its key names), so an email the
// platform moved to another customer came back under a new key once answered.
// Any customer's closed answer of the message counts, read by the message id
// that ends the key (ml:inbound:c12:m77).
// An email an import moved (customer or day) is answered, until it is triaged
// again, for the customer and day its triage read, as its promise and its
// dispute count are (email-promise.ts): what the task says is that triage's
// reading (type, invoices named in that customer's ledger, a priority from
// that customer's facts). Moved at once, the new customer's collector got the
// old customer's reading while that customer's promise call stayed behind;
// the task moves with the new reading instead, one key change either way.
const INBOUND_SQL = (inScope: InScope) => `WITH
answered AS (
  SELECT substring(a.dedupe_key from ':m([0-9]{1,10})$')::bigint AS id FROM actions a
  WHERE a.dedupe_key LIKE 'ml:inbound:%' AND a.done_at IS NOT NULL
),
msgs AS (
  SELECT m.id, m.external_id, m.customer_id, ${UTC_DAY('m.received_at')} AS received_on, m.subject
  FROM (${triagedEmailsSql('m.id, m.external_id, m.subject', inScope,
    (at) => `${at} >= ($1::date - $2::int)::timestamp AT TIME ZONE 'UTC' AND ${UTC_DAY(at)} <= $1::date`)}) m
  WHERE NOT EXISTS (SELECT 1 FROM answered WHERE answered.id = m.id)
)
SELECT msgs.id AS "messageId", msgs.external_id AS "externalId", msgs.customer_id AS "customerId",
  msgs.received_on::text AS "receivedOn", msgs.subject, COALESCE(f.fields, '[]'::jsonb) AS fields
FROM msgs LEFT JOIN (
  SELECT entity_id, jsonb_agg(jsonb_build_object('name', name, 'num', ${finiteOrNullSql('value_num')}, 'text', value_text, 'bool', value_bool,
    'confidence', ${finiteOrNullSql('confidence')}, 'reasons', reasons)) AS fields
  FROM computed_fields WHERE entity_type = 'inbound' AND entity_id IN (SELECT id FROM msgs)
  GROUP BY entity_id
) f ON f.entity_id = msgs.id`;

// The reasons' values are JSON other code may write too: read as text, never cast.
const REASON_VALUE = (factor: string) => `(SELECT r->>'value'
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(f.reasons) = 'array' THEN f.reasons ELSE '[]'::jsonb END) r
    WHERE r->>'factor' = '${factor}' AND jsonb_typeof(r->'value') = 'string' LIMIT 1)`;

const NAMED = (t: string) => `((upper(${t}.number) = ANY(l.named) OR upper(${t}.external_id) = ANY(l.named)) IS TRUE)`;

// Each customer's latest email that promised to pay by a date, with every open
// invoice not qualified by the platform (a qualified one has its own follow-up).
// A moved email's promise stays with the customer and day its triage read
// until it is triaged again, as for rules (email-promise.ts).
const EMAIL_PROMISES_SQL = (inScope: InScope) => `WITH
promises AS (
  SELECT m.id, m.external_id, ${PROMISE_CUSTOMER} AS customer_id, ${PROMISE_RECEIVED_AT} AS received_at, m.subject, f.reasons
  FROM inbound_messages m
  JOIN computed_fields f ON f.entity_type = 'inbound' AND f.entity_id = m.id AND f.name = 'inboundType' AND f.value_text = 'promise_to_pay'
  WHERE ${promiseInScopeSql(inScope)}
),
said AS (
  SELECT f.id, f.external_id, f.customer_id, f.received_at, ${UTC_DAY('f.received_at')} AS received_on, f.subject,
    ${REASON_VALUE('promisedDate')} AS promised_text,
    COALESCE(string_to_array(upper(${REASON_VALUE('invoiceNumbers')}), ','), ARRAY[]::text[]) AS named
  FROM promises f
  WHERE f.received_at >= ($1::date - $2::int)::timestamp AT TIME ZONE 'UTC' AND ${UTC_DAY('f.received_at')} <= $1::date
),
dated AS (SELECT said.*, (${safeDateSql('promised_text')})::text AS promised FROM said),
latest AS (
  SELECT DISTINCT ON (customer_id) * FROM dated
  WHERE promised IS NOT NULL
  ORDER BY customer_id, received_at DESC, id DESC
)
SELECT ${INVOICE_COLUMNS}, l.id AS "messageId", l.external_id AS "messageExternalId", l.received_on::text AS "receivedOn",
  l.subject, l.promised AS "promisedDate",
  ${NAMED('i')} AS named,
  EXISTS (SELECT 1 FROM invoices k WHERE k.customer_id = l.customer_id AND ${NAMED('k')}) AS "namedKnown",
  lp.last_payment AS "lastPaymentOn"
FROM latest l
JOIN invoices i ON i.customer_id = l.customer_id
LEFT JOIN LATERAL (
  SELECT max(p.payment_date)::text AS last_payment
  FROM payment_allocations pa JOIN payments p ON p.id = pa.payment_id
  WHERE pa.invoice_id = i.id AND p.payment_date <= $1::date
) lp ON true
WHERE ${IN_SCENARIO} AND i.issue_date <= l.received_on`;

// Every unapplied credit note, with the overdue invoices of its customer and
// currency (none: zeros). Every overdue invoice counts, disputed or qualified
// ones too: a credit note is often how a dispute ends, and offsetting it is
// what closes the file.
const UNAPPLIED_CREDITS_SQL = (inScope: InScope) => `WITH
overdue AS (
  SELECT i.customer_id, i.currency, sum(i.open_amount) AS amount, count(*)::int AS invoices, max($1::date - i.due_date) AS max_days
  FROM invoices i
  WHERE ${inScope('i.customer_id')} AND i.open_amount > 0 AND i.kind = 'invoice' AND i.due_date < $1::date
  GROUP BY i.customer_id, i.currency
)
SELECT n.id AS "creditNoteId", n.external_id AS "externalId", n.number, n.customer_id AS "customerId",
  n.issue_date::text AS "issueDate", n.open_amount::float8 AS "openAmount", n.currency,
  COALESCE(o.amount, 0)::float8 AS "overdueAmount", COALESCE(o.invoices, 0) AS "overdueInvoices", COALESCE(o.max_days, 0) AS "maxDaysOverdue"
FROM invoices n LEFT JOIN overdue o ON o.customer_id = n.customer_id AND o.currency = n.currency
WHERE ${inScope('n.customer_id')} AND n.kind = 'credit_note' AND n.open_amount > 0 AND n.issue_date <= $1::date`;

const COMPANY_CHANGES = `'address_change', 'director_change'`;

/** Two reports of insolvency this close, naming no different procedure, are one proceeding reported twice. */
const SAME_PROCEEDING_DAYS = 90;

// The risk agenda's facts: customers with a credit limit (0 too: no credit
// granted), an insurer cover or the unnamed-buyer cover, or a provider event;
// open amounts by currency (the planner values them with the day's rates, as
// it ranks amounts).
const RISK_SQL = (inScope: InScope) => `WITH
open_by AS (
  SELECT i.customer_id, i.currency, sum(i.open_amount)::float8 AS amount
  FROM invoices i
  WHERE ${inScope('i.customer_id')} AND i.kind = 'invoice' AND i.open_amount > 0 AND i.issue_date <= $1::date
  GROUP BY 1, 2
),
-- Joined, not read in a subquery per customer: that one scanned the scope's whole list once per customer,
-- 100,000 × 100,000 rows on the portfolio.
open_of AS (
  SELECT customer_id, jsonb_agg(jsonb_build_object('currency', currency, 'amount', amount) ORDER BY currency) AS open
  FROM open_by GROUP BY 1
),
events AS (
  SELECT e.id, e.customer_id, e.kind, ${UTC_DAY('e.occurred_at')} AS on_day, e.occurred_at, e.source, e.value, e.payload
  FROM external_events e
  WHERE ${inScope('e.customer_id')} AND e.kind IN ('insolvency', 'risk_score_change', 'credit_limit_decision', ${COMPANY_CHANGES})
    AND ${UTC_DAY('e.occurred_at')} <= $1::date
),
-- The registry's own words for what changed, text only and not a page of it: "CFO: Jane Doe", "12 Main St".
changes AS (
  SELECT customer_id, jsonb_agg(jsonb_build_object('eventId', id, 'kind', kind, 'on', on_day::text, 'source', source,
      'detail', NULLIF(left(btrim(concat_ws(': ', ${jsonTextSql("payload->'role'")}, ${jsonTextSql("payload->'new'")})), 100), ''))
    ORDER BY on_day, id) AS list
  FROM (SELECT DISTINCT ON (customer_id, kind) * FROM events WHERE kind IN (${COMPANY_CHANGES})
        ORDER BY customer_id, kind, occurred_at DESC, id DESC) latest
  GROUP BY customer_id
),
-- The latest proceeding is the one to declare the claim in; the first, the day the debts froze. The procedure
-- is the provider's JSON: read only text, and not a page of it. A legal gazette and a credit bureau both report
-- the same judgment: an event is the same proceeding as the one before it when it comes within
-- ${SAME_PROCEEDING_DAYS} days and names no other procedure, and the proceeding is dated and keyed by its first report.
ins_events AS (
  SELECT customer_id, id, on_day, occurred_at, source, procedure,
    lag(procedure) OVER w AS previous_procedure, lag(on_day) OVER w AS previous_day,
    min(on_day) OVER (PARTITION BY customer_id) AS first_on
  FROM (SELECT *, NULLIF(left(btrim(${jsonTextSql("payload->'procedure'")}), 100), '') AS procedure FROM events WHERE kind = 'insolvency') e
  WINDOW w AS (PARTITION BY customer_id ORDER BY occurred_at, id)
),
ins AS (
  SELECT DISTINCT ON (customer_id) customer_id, id, on_day, source, procedure, first_on
  FROM ins_events
  WHERE previous_day IS NULL OR on_day - previous_day > ${SAME_PROCEEDING_DAYS}
    OR (procedure IS NOT NULL AND previous_procedure IS NOT NULL AND lower(procedure) <> lower(previous_procedure))
  ORDER BY customer_id, occurred_at DESC, id DESC
),
decided AS (
  SELECT DISTINCT ON (customer_id) customer_id, id, on_day, source, left(btrim(${jsonTextSql("payload->'reason'")}), 100) AS reason
  FROM events WHERE kind = 'credit_limit_decision' ORDER BY customer_id, occurred_at DESC, id DESC
),
scores AS (
  SELECT customer_id, id, on_day, value, source,
    -- The provider's own previous score when it sends one (payload is JSON anyone may write: read only a number,
    -- and only one float8 holds: 1e400 or 1e-400 failed the cast, and with it every agenda and planning run).
    COALESCE(${jsonNumberSql("payload->'previous'")},
      lag(value) OVER (PARTITION BY customer_id ORDER BY occurred_at, id)) AS previous,
    row_number() OVER (PARTITION BY customer_id ORDER BY occurred_at DESC, id DESC) AS k
  -- Imports keep scores finite; a float8 written otherwise may be infinite (NaN included), which no answer can carry.
  FROM events WHERE kind = 'risk_score_change' AND ${isFiniteSql('value')}
)
SELECT c.id AS "customerId", c.currency AS "accountCurrency", c.credit_limit::float8 AS "creditLimit",
  c.insurer_cover::float8 AS "insurerCover", c.nd_cover AS "ndCover",
  COALESCE(o.open, '[]'::jsonb) AS open,
  CASE WHEN ins.id IS NOT NULL THEN jsonb_build_object('eventId', ins.id, 'on', ins.on_day::text, 'source', ins.source,
    'procedure', ins.procedure, 'firstOn', ins.first_on::text) END AS insolvency,
  CASE WHEN s.id IS NOT NULL THEN jsonb_build_object('eventId', s.id, 'on', s.on_day::text, 'to', s.value, 'from', s.previous, 'source', s.source) END AS "scoreChange",
  COALESCE(ch.list, '[]'::jsonb) AS "companyChanges",
  CASE WHEN dec.id IS NOT NULL THEN jsonb_build_object('eventId', dec.id, 'on', dec.on_day::text, 'source', dec.source,
    'reason', NULLIF(dec.reason, '')) END AS "limitDecision"
FROM customers c
LEFT JOIN open_of o ON o.customer_id = c.id
LEFT JOIN ins ON ins.customer_id = c.id
LEFT JOIN scores s ON s.customer_id = c.id AND s.k = 1
LEFT JOIN changes ch ON ch.customer_id = c.id
LEFT JOIN decided dec ON dec.customer_id = c.id
WHERE ${inScope('c.id')}
  AND (c.credit_limit IS NOT NULL OR c.insurer_cover IS NOT NULL OR c.nd_cover OR ins.id IS NOT NULL OR s.id IS NOT NULL OR ch.customer_id IS NOT NULL)`;

const RATES_SQL = `SELECT DISTINCT ON (currency, quote_currency) currency, quote_currency AS "quoteCurrency",
  rate_date::text AS "rateDate", rate::float8 AS rate
FROM exchange_rates WHERE rate_date <= $1::date ORDER BY currency, quote_currency, rate_date DESC`;

/** The latest exchange rate of each pair on the day. */
export const loadRates = (db: Db, asOf: IsoDate): Promise<ExchangeRate[]> => db.query<ExchangeRate>(RATES_SQL, [asOf]);

const CLOSURES_SQL = (inScope: InScope) => `SELECT split_part(dedupe_key, '#', 1) AS base, count(*)::int AS closed, max(${UTC_DAY('done_at')})::text AS "lastClosedByPersonOn"
FROM actions
WHERE dedupe_key LIKE '%#%' AND status IN ('done', 'cancelled') AND ${inScope('customer_id')}
GROUP BY 1`;

export interface LoadFactsOptions {
  asOf: IsoDate;
  scope: PlanningScope;
  policy: AgendaPolicy;
}

export async function loadPlanningFacts(db: Db, { asOf, scope, policy }: LoadFactsOptions): Promise<PlanningFacts> {
  if (!isIsoDate(asOf)) throw new Error(`asOf must be YYYY-MM-DD, got ${asOf}`);
  const byIds = scope.kind === 'collector'
    ? { kind: 'customers' as const, customerIds: (await db.query<{ id: number }>('SELECT id FROM customers WHERE collector_id = $1', [scope.collectorId])).map((c) => c.id) }
    : scope;
  const run = <T>(sql: (inScope: InScope) => string, own: unknown[]) => {
    const { inScope, params } = scopeFilter(byIds, own);
    return db.query<T>(sql(inScope), params);
  };
  const { preDue } = policy;
  // PGlite runs one query at a time anyway; on PostgreSQL these run in parallel on the pool.
  const [customers, scenarios, scenarioInvoices, qualified, preDueInvoices, missedDebitInvoices, inbound, emailPromises, unappliedCredits, rates, closures, risk] = await Promise.all([
    run<CustomerContext>(CUSTOMERS_SQL, [asOf]),
    run<{ id: number; externalId: string; name: string; steps: unknown }>(SCENARIOS_SQL, []),
    run<ScenarioInvoice>(SCENARIO_INVOICES_SQL, [asOf]),
    run<QualifiedInvoice>(QUALIFIED_SQL, [asOf, QUALIFICATION_STATUSES]),
    run<PreDueInvoice>(PRE_DUE_SQL, [asOf, preDue.horizonDays, preDue.minAmount, preDue.minLateProbability]),
    run<MissedDebitInvoice>(MISSED_DEBIT_SQL, [asOf]),
    run<InboundEmail>(INBOUND_SQL, [asOf, policy.inboundLookbackDays]),
    run<EmailPromiseInvoice>(EMAIL_PROMISES_SQL, [asOf, policy.emailPromiseLookbackDays]),
    run<UnappliedCredit>(UNAPPLIED_CREDITS_SQL, [asOf]),
    loadRates(db, asOf),
    run<Closure & { base: string }>(CLOSURES_SQL, []),
    run<Omit<RiskFacts, 'overSince'>>(RISK_SQL, [asOf]),
  ]);
  return {
    asOf,
    customers: new Map(customers.map((c) => [c.customerId, c])),
    scenarios: new Map(scenarios.map((s): [number, DunningScenario] => [s.id, { id: s.id, externalId: s.externalId, name: s.name, steps: readSteps(s.steps) }])),
    scenarioInvoices,
    qualifiedInvoices: qualified,
    preDueInvoices,
    missedDebitInvoices,
    inbound,
    emailPromises,
    unappliedCredits,
    rates,
    closures: new Map(closures.map(({ base: key, ...c }) => [key, c])),
    risk: await withOverrunStarts(db, risk, rates, asOf, policy),
  };
}
