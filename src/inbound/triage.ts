// Triage of stored inbound emails: each new message is scored once (by its
// import when that changed few emails, import-triage.ts, else by the refresh
// after it; again after an import changed what it says or its customer) and its type, priority, sentiment and auto-reply decision become
// computed fields on the message; the customer gets the summaries rules
// filter on (open disputes by email, sentiment trend).
import type { Db, Queryable } from '../db/sql.js';
import type { Prediction, Predictor, Reason } from '../ml/model.js';
import type { Entities, InboundRequest, InboundTriage } from '../ml/inbound/index.js';
import { writeComputedFieldsIn, type ComputedFieldRow } from '../scoring/computed-fields.js';
import { loadCustomerFacts } from '../fields/facts.js';
import type { ServedModel } from '../scoring/rescore.js';
import { isKnownZone, offsetMinutesAt } from '../ml/send-time/local-time.js';
import { analyse, statisticsStale } from '../db/statistics.js';
import { PROMISE_CUSTOMER, PROMISE_RECEIVED_AT, promiseInScopeSql } from '../fields/email-promise.js';

export const INBOUND_FIELD_NAMES = ['inboundType', 'inboundPriority', 'autoReplyEligible', 'sentimentScore'];

export interface CustomerContextRow {
  openAmount: number;
  overdueAmount: number;
  riskScore: number | null;
  driftScore: number | null;
  timezone: string | null;
}

/** What the priority of an email needs to know of its customer: the same facts saved searches read. */
export async function customerContext(db: Db, customerIds: number[]): Promise<Map<number, CustomerContextRow>> {
  if (customerIds.length === 0) return new Map();
  const facts = await loadCustomerFacts(db, customerIds);
  return new Map(facts.map((f) => [f.id, {
    openAmount: f.openAmount as number,
    overdueAmount: f.overdueAmount as number,
    riskScore: f.riskScore as number | null,
    driftScore: f.driftScore as number | null,
    timezone: f.timezone as string | null,
  }]));
}

export function toContext(r: CustomerContextRow | undefined): InboundRequest['customer'] {
  if (!r) return null;
  // Risk scores arrive 0..100 from providers; the triage reads 0..1.
  return { openAmount: r.openAmount, overdueAmount: r.overdueAmount, riskScore: r.riskScore === null ? null : r.riskScore / 100, driftScore: r.driftScore ?? 0 };
}

/**
 * What the email says a collector acts on, kept with its type: the promised
 * date, the invoices and purchase orders named, the amounts written. Without
 * them the agenda could only say "classified as promise_to_pay".
 */
export function entityReasons(e: Entities): Reason[] {
  const out: Reason[] = [];
  if (e.promisedDate) out.push({ factor: 'promisedDate', text: `promises to pay by ${e.promisedDate}`, value: e.promisedDate });
  if (e.invoiceNumbers.length > 0) out.push({ factor: 'invoiceNumbers', text: `names ${e.invoiceNumbers.length === 1 ? 'invoice' : 'invoices'} ${e.invoiceNumbers.join(', ')}`, value: e.invoiceNumbers.join(',') });
  if (e.poNumbers.length > 0) out.push({ factor: 'poNumbers', text: `gives purchase order ${e.poNumbers.join(', ')}`, value: e.poNumbers.join(',') });
  if (e.amounts.length > 0) out.push({ factor: 'amounts', text: `writes ${e.amounts.map((a) => a.text).join(', ')}`, value: e.amounts.map((a) => a.value).join(',') });
  return out;
}

/**
 * The stored instant (UTC, "…Z") as the sender's clock read it, in the
 * customer's timezone: "tomorrow" in an email sent at 23:30 in New York is the
 * next New York day. Imports keep the instant, not the offset it was written with.
 */
export function inSenderZone(utcIso: string, timezone: string | null | undefined): string {
  if (!isKnownZone(timezone)) return utcIso;
  const utcMs = Date.parse(utcIso);
  if (Number.isNaN(utcMs)) return utcIso;
  const minutes = offsetMinutesAt(timezone, utcMs);
  const local = new Date(utcMs + minutes * 60_000).toISOString().slice(0, 19);
  const abs = Math.abs(minutes);
  return `${local}${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function messageFields(id: number, t: InboundTriage, confidence: number, version: string): ComputedFieldRow[] {
  const base = { entityType: 'inbound' as const, entityId: id, modelVersion: version };
  const secondary: Reason = { factor: 'secondaryTypes', text: t.secondaryTypes.join(', ') || 'none', value: t.secondaryTypes.join(',') };
  return [
    { ...base, name: 'inboundType', value: t.type, confidence: t.typeConfidence, reasons: [...entityReasons(t.entities), secondary] },
    { ...base, name: 'inboundPriority', value: t.priority.score, confidence, reasons: t.priority.reasons },
    { ...base, name: 'autoReplyEligible', value: t.autoReply.eligible, confidence, reasons: [...t.autoReply.reasons, ...(t.autoReply.template ? [{ factor: 'template', text: t.autoReply.template, value: t.autoReply.template } as Reason] : [])] },
    { ...base, name: 'sentimentScore', value: t.sentiment.score, confidence, reasons: t.sentiment.reasons },
  ];
}

export interface TriageResult {
  messages: number;
  customers: number;
}

const PUBLISHER_LOCK = "SELECT pg_advisory_xact_lock(hashtext('inbound_messages.triage_seq'))";

/**
 * Gives `ids` (locked by the caller, who holds PUBLISHER_LOCK to its commit)
 * their places in the list, in id order, and records what their triage was
 * counted for: the customer, the day received, the revision it read.
 */
async function publish(tx: Queryable, ids: number[]): Promise<boolean> {
  if (ids.length === 0) return false;
  await tx.query(
    `UPDATE inbound_messages m SET triage_seq = p.seq, triaged_customer_id = m.customer_id, triaged_received_at = m.received_at, triaged_revision = m.revision
     FROM (SELECT id, nextval('inbound_messages_triage_seq')::int AS seq FROM (SELECT unnest($1::int[]) AS id ORDER BY 1) ordered) p
     WHERE m.id = p.id`,
    [ids],
  );
  return statisticsStale(tx, 'inbound_messages', ids.length);
}

/**
 * A publisher's transaction. An import analyses the table before its emails
 * are triaged: the planner, believing triage_seq still empty, then joined and
 * sorted every published email for each page (seconds instead of milliseconds
 * for the first page of 200,000). Only an optimisation, as after an import.
 */
async function publishing<T>(db: Db, fn: (tx: Queryable) => Promise<{ result: T; stale: boolean }>): Promise<T> {
  const { result, stale } = await db.transaction(async (tx) => {
    await tx.query(PUBLISHER_LOCK);
    return fn(tx);
  });
  if (stale) await analyse(db, 'inbound_messages');
  return result;
}

/**
 * Gives the triaged emails not yet published their place in GET
 * /v1/inbound/messages, in id order. One publisher at a time, the lock held to
 * commit: numbers taken while another publisher's lower ones are still
 * uncommitted could be paged past before those show, which is how ids skipped
 * emails. A triage now stores and publishes in one transaction (storeTriage):
 * this publishes what one stored without publishing before that, or fields
 * written by other code, unless an import changed the email since.
 *
 * The rows are locked first, in id order, the order an import sending the
 * same emails again must lock them in too: the update alone locked them
 * in the order its join met them (the table's, once it hashed the few pending
 * ids), and an import holding one while waiting for another made a deadlock,
 * which PostgreSQL ended by failing one of the two. It waits for the import
 * rather than skip its rows (SKIP LOCKED): skipped, they would stay unpublished
 * until the next refresh, which a file that changes nothing never sets off.
 */
export function publishTriaged(db: Db): Promise<number> {
  return publishing(db, async (tx) => {
    const pending = await tx.query<{ id: number }>(
      `SELECT m.id FROM inbound_messages m
       WHERE m.triage_seq IS NULL AND m.triaged_revision = m.revision
         AND EXISTS (SELECT 1 FROM computed_fields cf WHERE cf.entity_type = 'inbound' AND cf.entity_id = m.id AND cf.name = 'inboundType')
       ORDER BY m.id FOR UPDATE OF m`,
    );
    const ids = pending.map((r) => r.id);
    return { result: ids.length, stale: await publish(tx, ids) };
  });
}

/**
 * Stores a batch's triage and publishes it, in one transaction, for the
 * emails still at the revision the triage read; returns their ids. An import
 * that changed an email meanwhile raised its revision: the result read the
 * old text or customer and is dropped, the email still due (the caller reads
 * it again). Stored and published at once, under the rows' locks: an email
 * already listed takes its new place with its new triage, never one without
 * the other.
 *
 * The rows are locked in id order under the publisher's lock, as
 * publishTriaged locks them; the check is made once the lock is had, so an
 * import committing meanwhile is seen (PostgreSQL reads the row again).
 * An email another triage stored meanwhile at that revision (the import's own
 * and the refresh's, reading it at once) is left as that one published it:
 * stored again, it would take a second place in the list for the same triage.
 *
 * Given `recountAs` (a model version), the customers' openDisputes and
 * sentimentTrend are recounted in the same transaction, for the customer each
 * email was counted for and its own: an import's triage stored first and
 * recounted after left, when the recount failed, the email triaged and its
 * customers' counts without it, and no refresh recounted them (it recounts the
 * customers of the emails it triages itself). The refresh recounts once, after
 * its last batch: recounting every batch's customers made its triage of 20,000
 * emails of 2,000 customers 44-46 s instead of 7-10 s. Returns the emails
 * stored and their customers (those to recount).
 */
async function storeTriage(
  db: Db, read: { id: number; revision: number }[], fields: ComputedFieldRow[], recountAs: string | null,
): Promise<{ stored: Set<number>; customers: Set<number> }> {
  return publishing(db, async (tx) => {
    const locked = await tx.query<{ id: number; customer_id: number | null; triaged_customer_id: number | null }>(
      `SELECT m.id, m.customer_id, m.triaged_customer_id
       FROM inbound_messages m JOIN unnest($1::int[], $2::int[]) AS r(id, revision) ON r.id = m.id AND m.revision = r.revision
       WHERE ${STILL_DUE}
       ORDER BY m.id FOR UPDATE OF m`,
      [read.map((r) => r.id), read.map((r) => r.revision)],
    );
    const stored = new Set(locked.map((r) => r.id));
    await writeComputedFieldsIn(tx, fields.filter((f) => stored.has(f.entityId)));
    const stale = await publish(tx, [...stored]);
    const customers = new Set(locked.flatMap((r) => [r.customer_id, r.triaged_customer_id]).filter((c): c is number => c !== null));
    if (recountAs !== null && customers.size > 0) await writeCustomerSummaries(tx, [...customers], recountAs);
    return { result: { stored, customers }, stale };
  });
}

/** Never triaged, changed since its triage, or triaged and not published yet (the row `m`): what a triage reads. */
export const STILL_DUE = `(m.triaged_revision < m.revision OR m.triage_seq IS NULL
  OR NOT EXISTS (SELECT 1 FROM computed_fields cf WHERE cf.entity_type = 'inbound' AND cf.entity_id = m.id AND cf.name = 'inboundType'))`;

interface DueRow {
  id: number;
  revision: number;
  customer_id: number | null;
  triaged_customer_id: number | null;
  subject: string;
  body: string;
  received_at: string;
}

const DUE_COLUMNS = `SELECT m.id, m.revision, m.customer_id, m.triaged_customer_id, m.subject, m.body,
    to_char(m.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS received_at`;

/**
 * The next emails to triage, in id order: those never triaged, and those an
 * import changed since (stale). Two lookups joined rather than one OR, which
 * would make the first a probe per email instead of an anti-join; the second
 * reads the partial index of stale emails.
 */
export const DUE_SQL = `WITH due AS (
    (SELECT m.id FROM inbound_messages m
     WHERE NOT EXISTS (SELECT 1 FROM computed_fields cf WHERE cf.entity_type = 'inbound' AND cf.entity_id = m.id AND cf.name = 'inboundType')
     ORDER BY m.id LIMIT $1)
    UNION
    (SELECT m.id FROM inbound_messages m WHERE m.triaged_revision < m.revision ORDER BY m.id LIMIT $1))
  ${DUE_COLUMNS}
  FROM inbound_messages m JOIN (SELECT id FROM due ORDER BY id LIMIT $1) d ON d.id = m.id
  ORDER BY m.id`;

/**
 * Scores the messages never scored by any version, and those an import
 * changed (text, day or customer) since they were (entities.ts, onChange):
 * those keep their triage, shown as stale, until this replaces it.
 * Then refreshes the customers' summaries: the customer an email was counted
 * for before (triaged_customer_id) is recounted beside its own.
 */
export async function triageNewMessages(db: Db, model: ServedModel<Predictor<InboundRequest, InboundTriage>>, batch = 2000): Promise<TriageResult> {
  let messages = 0;
  const touched = new Set<number>();
  await publishTriaged(db);
  for (;;) {
    const rows = await db.query<DueRow>(DUE_SQL, [batch]);
    if (rows.length === 0) break;
    messages += await triageRows(db, model, rows, touched, (input) => model.predictor.predict(input), false);
  }
  // A dispute email leaves the 90-day count as days pass, with no new email to set off a recount.
  const counting = await db.query<{ id: number }>(
    "SELECT entity_id AS id FROM computed_fields WHERE entity_type = 'customer' AND name = 'openDisputes' AND value_num > 0",
  );
  const summarised = new Set([...touched, ...counting.map((r) => r.id)]);
  // Under the publisher's lock, which an import's triage holds from its store to its commit, its recount
  // included: begun meanwhile, this recount read the customers without that email and wrote last.
  if (summarised.size > 0) {
    await db.transaction(async (tx) => {
      await tx.query(PUBLISHER_LOCK);
      await writeCustomerSummaries(tx, [...summarised], model.version);
    });
  }
  return { messages, customers: touched.size };
}

/**
 * Triages `ids` among the emails still due (an import's own, once it
 * committed), and recounts the summaries of their customers (the one each
 * email was counted for and its own) with the triage stored (storeTriage). An email an import changed again meanwhile is not stored (storeTriage):
 * that import, or the refresh, reads it again. On the scoring threads when the
 * model has them: an API process answers other requests meanwhile.
 */
export async function triageEmails(db: Db, model: ServedModel<Predictor<InboundRequest, InboundTriage>>, ids: number[]): Promise<TriageResult> {
  if (ids.length === 0) return { messages: 0, customers: 0 };
  const rows = await db.query<DueRow>(`${DUE_COLUMNS} FROM inbound_messages m WHERE m.id = ANY($1::int[]) AND ${STILL_DUE} ORDER BY m.id`, [ids]);
  const touched = new Set<number>();
  const { predictor } = model;
  const messages = await triageRows(db, model, rows, touched, (input) => predictor.predictAsync?.(input) ?? predictor.predict(input), true);
  return { messages, customers: touched.size };
}

/** Scores `rows` and stores what is still due (its customers recounted with it when `recount`); adds those customers to `touched`; returns how many were stored. */
async function triageRows(
  db: Db,
  model: ServedModel<Predictor<InboundRequest, InboundTriage>>,
  rows: DueRow[],
  touched: Set<number>,
  predict: (input: InboundRequest) => Prediction<InboundTriage> | Promise<Prediction<InboundTriage>>,
  recount: boolean,
): Promise<number> {
  const contexts = await customerContext(db, [...new Set(rows.map((r) => r.customer_id).filter((c): c is number => c !== null))]);
  const predictions = await Promise.all(rows.map((r) => {
    const context = contexts.get(r.customer_id ?? -1);
    const receivedAt = inSenderZone(r.received_at, context?.timezone);
    return predict({ subject: r.subject, body: r.body, receivedAt, customer: toContext(context) });
  }));
  const out = rows.flatMap((r, i) => messageFields(r.id, predictions[i].value, predictions[i].confidence, model.version));
  const { stored, customers } = await storeTriage(db, rows, out, recount ? model.version : null);
  for (const c of customers) touched.add(c);
  return stored.size;
}

/**
 * openDisputes: dispute emails of the last 90 days; sentimentTrend: mean
 * sentiment of the last 5 emails. A customer whose emails all moved to
 * another counts none, and has no trend left to read. An email an import
 * changed since its triage counts for the customer and day that triage read
 * until it is triaged again, as its promise does (email-promise.ts): read
 * under its new customer, a recount of the old one (another of its emails
 * triaged by a small import) dropped it from that customer's count without
 * adding it to the new one's, which no one recounts until the refresh.
 */
async function writeCustomerSummaries(db: Queryable, customerIds: number[], version: string): Promise<void> {
  const counted = `counted AS (
    SELECT m.id, ${PROMISE_CUSTOMER} AS customer_id, ${PROMISE_RECEIVED_AT} AS received_at FROM inbound_messages m
    WHERE ${promiseInScopeSql((id) => `${id} = ANY($1::int[])`)}
  )`;
  await db.query(
    `WITH ${counted}
     DELETE FROM computed_fields f WHERE f.entity_type = 'customer' AND f.name = 'sentimentTrend' AND f.entity_id = ANY($1::int[])
       AND NOT EXISTS (SELECT 1 FROM counted m JOIN computed_fields s ON s.entity_type = 'inbound' AND s.entity_id = m.id AND s.name = 'sentimentScore'
                       WHERE m.customer_id = f.entity_id)`,
    [customerIds],
  );
  await db.query(
    `WITH ${counted}
     INSERT INTO computed_fields (entity_type, entity_id, name, value_num, confidence, reasons, model_version, computed_at)
     SELECT 'customer', s.customer_id, s.name, s.value, NULL, s.reasons, $2, now() FROM (
       SELECT c.id AS customer_id, 'openDisputes' AS name,
              count(m.id) FILTER (WHERE t.value_text = 'dispute' AND m.received_at > now() - interval '90 days')::float8 AS value,
              jsonb_build_array(jsonb_build_object('factor', 'disputeEmails', 'text',
                count(m.id) FILTER (WHERE t.value_text = 'dispute' AND m.received_at > now() - interval '90 days') || ' dispute email(s) in the last 90 days')) AS reasons
       FROM customers c
       LEFT JOIN (counted m JOIN computed_fields t ON t.entity_type = 'inbound' AND t.entity_id = m.id AND t.name = 'inboundType') ON m.customer_id = c.id
       WHERE c.id = ANY($1::int[]) GROUP BY c.id
       UNION ALL
       SELECT customer_id, 'sentimentTrend', avg(score), jsonb_build_array(jsonb_build_object('factor', 'lastEmails', 'text',
                'mean sentiment of the last ' || count(*) || ' email(s): ' || round(avg(score)::numeric, 2)))
       FROM (SELECT m.customer_id, s.value_num AS score, row_number() OVER (PARTITION BY m.customer_id ORDER BY m.received_at DESC) AS k
             FROM counted m JOIN computed_fields s ON s.entity_type = 'inbound' AND s.entity_id = m.id AND s.name = 'sentimentScore') last
       WHERE k <= 5 GROUP BY customer_id
     ) s
     ON CONFLICT (entity_type, name, entity_id) DO UPDATE SET value_num = EXCLUDED.value_num, reasons = EXCLUDED.reasons,
       model_version = EXCLUDED.model_version, computed_at = EXCLUDED.computed_at`,
    [customerIds, version],
  );
}
