// The customer's latest promise to pay made by email: the date the inbound
// triage read in an email it classified promise_to_pay (reason promisedDate).
// The platform never qualified those invoices, so without it a rule could not
// hold reminders back for a customer who has just promised.
import { MAX_YEAR, MIN_YEAR } from '../util/bounds.js';

/** Emails further back than this no longer count as a standing promise. */
export const EMAIL_PROMISE_LOOKBACK_DAYS = 90;

/**
 * `text` (an SQL text expression) as a date when it is one of the days the
 * service keeps (util/bounds.ts), else NULL. Reasons are JSON other code may
 * write: a cast of "2026-02-30" would fail the whole query, so the calendar is
 * checked first (CASE evaluates in order). A promise dated 9999-12-31 fell
 * due days later, a day JavaScript writes "+010000-01", which PostgreSQL
 * refused when the planner stored the call: the whole plan failed.
 */
export function safeDateSql(text: string): string {
  return `CASE WHEN ${text} ~ '^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' THEN
      CASE WHEN substr(${text}, 1, 4)::int BETWEEN ${MIN_YEAR} AND ${MAX_YEAR} AND substr(${text}, 9, 2)::int <= extract(day FROM make_date(substr(${text}, 1, 4)::int, substr(${text}, 6, 2)::int, 1)
          + interval '1 month' - interval '1 day') THEN (${text})::date END END`;
}

// An email's promise belongs to what its triage read. An import that moves an
// email to another customer, or gives it another receivedAt, makes its triage
// stale until it is triaged again (by the import itself when small, else by the
// refresh): meanwhile its promise counts for the customer and day the triage
// read (published with it, triage.ts), as its dispute and sentiment stay in
// the counts of the customer they were counted for. Read under the new
// customer at once, the previous text's promise held the new customer's
// reminders back, and the old customer's came back, for the few minutes
// until the refresh, two flips in the rules' audit.
// Published, then changed: an email an import changed before any triage was
// published (imported while no model was served, then sent again moved) was
// counted for no one and has no triaged customer or day: it counts as it is.
// Read as stale, it would count for no customer, and its answer_email task
// (agenda/facts.ts) would be planned for no one.
const STALE = 'm.triage_seq IS NOT NULL AND m.triaged_revision < m.revision';
/**
 * The customer an email's promise counts for (the row `m`); its dispute and
 * sentiment too, and the agenda's answer_email task (agenda/facts.ts).
 */
export const PROMISE_CUSTOMER = `CASE WHEN ${STALE} THEN m.triaged_customer_id ELSE m.customer_id END`;
/** The instant an email's promise was made (the row `m`), and the day its answer is due from. */
export const PROMISE_RECEIVED_AT = `CASE WHEN ${STALE} THEN m.triaged_received_at ELSE m.received_at END`;

/**
 * The emails (`columns` of `inbound_messages m`, then customer_id and
 * received_at) counted for a customer `inScope` takes on the day `within` (a
 * condition on a received_at expression) takes, the customer and day their
 * triage read: the current ones by the raw columns, which the index of
 * (customer, received_at) reads, the stale ones (few) by the index of stale
 * emails. One CASE over both read every email of the table instead (500 ms
 * against 160 ms for the portfolio's emails to answer, 200,000 emails on
 * PGlite, a scratch test, 2026-12-08).
 */
export const triagedEmailsSql = (columns: string, inScope: (customerId: string) => string, within: (receivedAt: string) => string) => `
  SELECT ${columns}, m.customer_id, m.received_at FROM inbound_messages m
  WHERE NOT (${STALE}) AND ${inScope('m.customer_id')} AND ${within('m.received_at')}
  UNION ALL
  SELECT ${columns}, m.triaged_customer_id, m.triaged_received_at FROM inbound_messages m
  WHERE ${STALE} AND ${inScope('m.triaged_customer_id')} AND ${within('m.triaged_received_at')}`;

/**
 * Emails whose promise counts for a customer `inScope` (a condition on a
 * customer id expression) takes: found by the index of their customer, and
 * the stale ones (few) by the index of stale emails, rather than a read of
 * every email for the CASE (the same plan as before, 2026-12-07).
 */
export const promiseInScopeSql = (inScope: (customerId: string) => string) =>
  `(${inScope('m.customer_id')} OR (${STALE} AND ${inScope('m.triaged_customer_id')})) AND ${inScope(`(${PROMISE_CUSTOMER})`)}`;

/**
 * One row per customer with a dated email promise received in the lookback
 * up to `asOf` (a date expression or placeholder): customer_id, promised (a
 * date). `where`: a further condition on `inbound_messages m`.
 */
export function emailPromiseSql(asOf: string, where?: string): string {
  return `SELECT DISTINCT ON (e.customer_id) e.customer_id, e.promised FROM (
    SELECT ${PROMISE_CUSTOMER} AS customer_id, ${PROMISE_RECEIVED_AT} AS received_at, m.id, p.promised
    FROM inbound_messages m
    JOIN computed_fields f ON f.entity_type = 'inbound' AND f.entity_id = m.id AND f.name = 'inboundType' AND f.value_text = 'promise_to_pay'
    CROSS JOIN LATERAL (
      SELECT ${safeDateSql(`(r->>'value')`)} AS promised
      FROM jsonb_array_elements(CASE WHEN jsonb_typeof(f.reasons) = 'array' THEN f.reasons ELSE '[]'::jsonb END) r
      WHERE r->>'factor' = 'promisedDate' AND jsonb_typeof(r->'value') = 'string'
      LIMIT 1
    ) p
    WHERE p.promised IS NOT NULL${where ? ` AND ${where}` : ''}
  ) e
  WHERE e.customer_id IS NOT NULL
    AND e.received_at >= (${asOf} - ${EMAIL_PROMISE_LOOKBACK_DAYS})::timestamp AT TIME ZONE 'UTC'
    AND (e.received_at AT TIME ZONE 'UTC')::date <= ${asOf}
  ORDER BY e.customer_id, e.received_at DESC, e.id DESC`;
}
