// Stored emails as the triage read them, for the platform to act on: which
// can get the automatic reply (and with which template), which need a person,
// and the qualification each asks the platform to record.
import type { Db, Queryable } from '../db/sql.js';
import { keysetPage } from '../db/keyset.js';
import { suggestQualification, QUALIFICATION_OF_TYPE, type CustomerInvoice, type SuggestedQualification } from './qualification.js';
import { isStoredDay } from '../agenda/dates.js';
import { finiteOrNull } from '../scoring/computed-fields.js';
import { INBOUND_MODEL } from './catalogue.js';

export interface InboundListQuery {
  customerExternalId?: string;
  type?: string;
  autoReply?: boolean;
  receivedFrom?: string;
  limit: number;
  after?: number;
  /** Only the emails of this collector's customers (internal id), for a collector's key. */
  collectorId?: number;
}

interface StoredReason { factor?: unknown; text?: unknown; value?: unknown }

export interface InboundMessageView {
  /**
   * Its place in the list, null until published: where a client that stops
   * mid-page or reads to the end (where nextCursor is null) resumes.
   */
  cursor: number | null;
  externalId: string;
  customerExternalId: string | null;
  receivedAt: string;
  sender: string | null;
  subject: string;
  /** Null until the refresh after the email's import has triaged it. */
  triage: {
    type: string;
    typeConfidence: number | null;
    secondaryTypes: string[];
    priority: { score: number | null; reasons: unknown[] };
    sentiment: { score: number | null; reasons: unknown[] };
    autoReply: { eligible: boolean; template: string | null; reasons: unknown[] };
    entities: { promisedDate: string | null; invoiceNumbers: string[]; poNumbers: string[] };
    modelVersion: string;
    triagedAt: string;
    /** An import changed what the triage read since: the previous triage, until the refresh replaces it. */
    stale: boolean;
  } | null;
  suggestedQualification: SuggestedQualification | null;
}

interface Row {
  triageSeq: number | null;
  customerId: number | null;
  collectorId: number | null;
  externalId: string;
  customerExternalId: string | null;
  receivedAt: Date | string;
  sender: string | null;
  subject: string;
  type: string | null;
  typeConfidence: number | null;
  typeReasons: unknown;
  modelVersion: string | null;
  triagedAt: Date | string | null;
  stale: boolean;
  priority: number | null;
  priorityReasons: unknown;
  autoReply: boolean | null;
  autoReplyReasons: unknown;
  sentiment: number | null;
  sentimentReasons: unknown;
}

// Each email's fields looked up by its id, never joined as a whole: PGlite
// gathers no statistics on computed_fields, and the planner, believing a
// field has two rows, scanned all of them for every email of the page
// (5 s for a page of 200,000 emails). LIMIT 1 (the key gives one row anyway)
// keeps the subquery a lookup.
const FIELD = (alias: string, name: string) =>
  `LEFT JOIN LATERAL (SELECT * FROM computed_fields cf WHERE cf.entity_type = 'inbound' AND cf.name = '${name}' AND cf.entity_id = m.id LIMIT 1) ${alias} ON true`;

const SELECT = `
  SELECT m.triage_seq AS "triageSeq", m.customer_id AS "customerId", c.collector_id AS "collectorId", m.external_id AS "externalId",
    c.external_id AS "customerExternalId",
    m.received_at AS "receivedAt", m.sender, m.subject,
    t.value_text AS type, t.confidence AS "typeConfidence", t.reasons AS "typeReasons", t.model_version AS "modelVersion",
    t.computed_at AS "triagedAt", m.triaged_revision < m.revision AS stale,
    p.value_num AS priority, p.reasons AS "priorityReasons",
    a.value_bool AS "autoReply", a.reasons AS "autoReplyReasons",
    s.value_num AS sentiment, s.reasons AS "sentimentReasons"
  FROM inbound_messages m
  LEFT JOIN customers c ON c.id = m.customer_id
  ${FIELD('t', 'inboundType')}
  ${FIELD('p', 'inboundPriority')}
  ${FIELD('a', 'autoReplyEligible')}
  ${FIELD('s', 'sentimentScore')}`;

// Reasons are JSON other code may write too: only what has the expected shape is read.
const reasonsOf = (reasons: unknown): StoredReason[] =>
  Array.isArray(reasons) ? reasons.filter((r): r is StoredReason => typeof r === 'object' && r !== null) : [];

// The triage writes a handful per list; a list other code left with thousands
// would make one page of emails hundreds of megabytes.
const MAX_REASONS_SHOWN = 50;
const shown = (reasons: StoredReason[]) => reasons.slice(0, MAX_REASONS_SHOWN);

function said(reasons: unknown, factor: string): string | null {
  const value = reasonsOf(reasons).find((r) => r.factor === factor)?.value;
  return typeof value === 'string' && value !== '' ? value : null;
}

const list = (text: string | null): string[] => (text === null ? [] : text.split(',').map((x) => x.trim()).filter((x) => x !== ''));

// The agenda reads a promise the same way (safeDateSql): text that is no calendar day promises nothing, nor
// does a day past those the service keeps, a qualification the platform's import would refuse.
const dayIn = (text: string | null): string | null => (isStoredDay(text) ? text : null);

const iso = (at: Date | string) => new Date(at).toISOString();

const STALE_REASON: StoredReason = { factor: 'stale', text: 'the email changed since it was triaged: no automatic reply until it is triaged again' };

function triageOf(r: Row): InboundMessageView['triage'] {
  if (r.type === null || r.modelVersion === null || r.triagedAt === null) return null;
  const autoReplyReasons = reasonsOf(r.autoReplyReasons);
  return {
    type: r.type,
    typeConfidence: finiteOrNull(r.typeConfidence),
    secondaryTypes: list(said(r.typeReasons, 'secondaryTypes')),
    priority: { score: finiteOrNull(r.priority), reasons: shown(reasonsOf(r.priorityReasons)) },
    sentiment: { score: finiteOrNull(r.sentiment), reasons: shown(reasonsOf(r.sentimentReasons)) },
    // A reply chosen for a text the email no longer has could answer what it no longer asks.
    autoReply: {
      eligible: r.autoReply === true && !r.stale,
      template: r.autoReply === true && !r.stale ? said(autoReplyReasons, 'template') : null,
      reasons: shown([...(r.stale ? [STALE_REASON] : []), ...autoReplyReasons.filter((x) => x.factor !== 'template')]),
    },
    entities: {
      promisedDate: dayIn(said(r.typeReasons, 'promisedDate')),
      invoiceNumbers: list(said(r.typeReasons, 'invoiceNumbers')),
      poNumbers: list(said(r.typeReasons, 'poNumbers')),
    },
    modelVersion: r.modelVersion,
    triagedAt: iso(r.triagedAt),
    stale: r.stale === true,
  };
}

/** The invoices of the customers whose emails ask for a qualification: the open ones, and those the emails name. */
async function invoicesFor(db: Queryable, views: { customerId: number | null; triage: InboundMessageView['triage'] }[]) {
  const asking = views.filter((v) => v.customerId !== null && v.triage && !v.triage.stale && QUALIFICATION_OF_TYPE[v.triage.type]);
  const byCustomer = new Map<number, CustomerInvoice[]>();
  if (asking.length === 0) return byCustomer;
  const named = [...new Set(asking.flatMap((v) => v.triage!.entities.invoiceNumbers.map((n) => n.trim().toUpperCase())))];
  const rows = await db.query<CustomerInvoice & { customerId: number }>(
    `SELECT customer_id AS "customerId", external_id AS "externalId", number, due_date::text AS "dueDate",
       open_amount::float8 AS "openAmount", currency, status, promised_date::text AS "promisedDate"
     FROM invoices
     WHERE customer_id = ANY($1::int[]) AND kind = 'invoice'
       AND (open_amount > 0 OR upper(number) = ANY($2::text[]) OR upper(external_id) = ANY($2::text[]))`,
    [[...new Set(asking.map((v) => v.customerId!))], named],
  );
  for (const { customerId, ...invoice } of rows) {
    const mine = byCustomer.get(customerId) ?? [];
    mine.push(invoice);
    byCustomer.set(customerId, mine);
  }
  return byCustomer;
}

async function views(db: Queryable, rows: Row[]): Promise<InboundMessageView[]> {
  const triaged = rows.map((r) => ({ r, customerId: r.customerId, triage: triageOf(r) }));
  const invoices = await invoicesFor(db, triaged);
  return triaged.map(({ r, triage }) => ({
    cursor: r.triageSeq,
    externalId: r.externalId,
    customerExternalId: r.customerExternalId,
    receivedAt: iso(r.receivedAt),
    sender: r.sender,
    subject: r.subject,
    triage,
    // A stale triage read a text or customer the email no longer has: shown to a person, it asks the platform to record nothing.
    suggestedQualification: triage && !triage.stale && r.customerId !== null
      ? suggestQualification(
        { type: triage.type, receivedOn: iso(r.receivedAt).slice(0, 10), promisedDate: triage.entities.promisedDate, invoiceNumbers: triage.entities.invoiceNumbers },
        invoices.get(r.customerId) ?? [],
      )
      : null,
  }));
}

/** What a list and its count of untriaged emails both keep to: whose emails, received since when. */
type ListScope = Pick<InboundListQuery, 'customerExternalId' | 'receivedFrom' | 'collectorId'>;

/** `conditions` on `inbound_messages m` and `customers c`, and the scope's, each value a parameter; `add` adds more. */
function inScope(conditions: string[], q: ListScope) {
  const where = [...conditions];
  const params: unknown[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (q.customerExternalId !== undefined) add((p) => `c.external_id = ${p}`, q.customerExternalId);
  if (q.receivedFrom !== undefined) add((p) => `m.received_at >= ${p}::timestamptz`, q.receivedFrom);
  if (q.collectorId !== undefined) add((p) => `c.collector_id = ${p}`, q.collectorId);
  return { where, params, add };
}

/**
 * Triaged emails in the order the triage published them, a page at a time: a
 * platform polling with `after` sees each email once, after the refresh that
 * triaged it, whichever import committed first (publishTriaged).
 */
export async function listInboundMessages(db: Queryable, q: InboundListQuery): Promise<{ items: InboundMessageView[]; nextCursor: number | null }> {
  const { where, params, add } = inScope(['m.triage_seq IS NOT NULL', 't.value_text IS NOT NULL'], q);
  if (q.after !== undefined) add((p) => `m.triage_seq > ${p}`, q.after);
  if (q.type !== undefined) add((p) => `t.value_text = ${p}`, q.type);
  if (q.autoReply !== undefined) add((p) => `(a.value_bool IS TRUE AND m.triaged_revision >= m.revision) = ${p}`, q.autoReply);
  params.push(q.limit + 1);
  const rows = await db.query<Row>(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY m.triage_seq LIMIT $${params.length}`, params);
  const { page, nextCursor } = keysetPage(rows, q.limit, (r) => r.triageSeq!);
  return { items: await views(db, page), nextCursor };
}

/** Why the emails a list leaves out are not in it yet. */
export type UntriagedReason = 'no_model_served' | 'triage_pending';

/**
 * The emails in a list's scope that it leaves out because no triage is
 * published for them yet, and why: the list shows the triaged only, and a
 * collector reading an empty or short list must know emails wait. The
 * type and auto-reply filters are not applied: no one knows yet what an
 * untriaged email is. Stale emails are listed (their previous triage), so
 * not counted.
 */
export interface UntriagedSummary {
  count: number;
  /** `count` is UNTRIAGED_COUNT_CAP and more wait: the count stops there. */
  countCapped: boolean;
  reason: UntriagedReason | null;
  detail: string | null;
}

/**
 * Where the count of emails left out stops. A page's answer read 200,000
 * untriaged emails to count them (a portfolio's history imported before any
 * model was trained): 160 ms a page on PGlite. Past this many, "a backlog
 * waits for a model" is all a reader acts on, and the exact figure would be
 * stale by the next page anyway.
 */
export const UNTRIAGED_COUNT_CAP = 10_000;

/** How many emails the list leaves out, up to the cap. */
export interface UntriagedCount { count: number; capped: boolean }

/**
 * Why `count` emails wait: `modelProblem` is why no inbound model is served
 * (the server's own words: none trained, or the active version failed to
 * load), null when one is.
 */
export function untriagedSummary({ count, capped }: UntriagedCount, modelProblem: string | null): UntriagedSummary {
  if (count === 0) return { count, countCapped: false, reason: null, detail: null };
  return { count, countCapped: capped, ...whyUntriaged(modelProblem) };
}

/** Why an email is not triaged yet, as untriagedSummary says it of those a list leaves out. */
export function whyUntriaged(modelProblem: string | null): { reason: UntriagedReason; detail: string } {
  if (modelProblem !== null) {
    return { reason: 'no_model_served', detail: `no ${INBOUND_MODEL} model is served (${modelProblem}): the first refresh once one is triages them` };
  }
  return { reason: 'triage_pending', detail: 'imported since the last triage: their import (a few emails) or the refresh it set off triages them' };
}

/**
 * How many emails in the list's scope (customer, collector, received from)
 * are not published yet, up to `cap` (one more is read to know more wait). A
 * published email always has its type (publish checks it), so "not published"
 * is the list's condition turned over, and read by the index of triage_seq,
 * which keeps its nulls.
 */
export async function countUntriaged(db: Queryable, q: ListScope, cap = UNTRIAGED_COUNT_CAP): Promise<UntriagedCount> {
  const { where, params } = inScope(['m.triage_seq IS NULL'], q);
  params.push(cap + 1);
  const [row] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM inbound_messages m LEFT JOIN customers c ON c.id = m.customer_id
     WHERE ${where.join(' AND ')} LIMIT $${params.length}) waiting`, params,
  );
  return { count: Math.min(row.n, cap), capped: row.n > cap };
}

/**
 * A page of the list and the count of the emails it leaves out, read from one
 * snapshot: read apart (two connections, or a triage committing between the
 * two reads), an email the triage published between them was in neither, and
 * the answer said no email waits while the list left it out.
 */
export async function listWithUntriaged(
  db: Db, q: InboundListQuery, cap = UNTRIAGED_COUNT_CAP,
): Promise<{ page: { items: InboundMessageView[]; nextCursor: number | null }; waiting: UntriagedCount }> {
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const page = await listInboundMessages(tx, q);
    return { page, waiting: await countUntriaged(tx, q, cap) };
  });
}

/**
 * One stored email, triaged or not yet, with the collector of its customer
 * (internal id; null for none): a collector's key reads its own customers' only.
 */
export async function getInboundMessage(db: Db, externalId: string): Promise<{ message: InboundMessageView; collectorId: number | null } | null> {
  const rows = await db.query<Row>(`${SELECT} WHERE m.external_id = $1`, [externalId]);
  return rows.length === 0 ? null : { message: (await views(db, rows))[0], collectorId: rows[0].collectorId };
}
