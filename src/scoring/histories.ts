// Loads a slice of the portfolio (a range of customer ids) into the plain
// arrays the models read. A few set-based queries per slice, never one per
// customer, so a rescoring run scales with the number of slices.
import type { Db, Queryable } from '../db/sql.js';
import type { InvoiceRecord } from '../ml/payment-delay/index.js';
import type { CustomerHistory, HistoryCommunication, HistoryInvoice, HistoryPayment } from '../ml/drift/index.js';

export interface SliceCustomer {
  id: number;
  externalId: string;
  segment: string | null;
  timezone: string | null;
  riskScore: number | null;
  paymentMethod: string | null;
  latePenalties: boolean;
  insolvencyDate: string | null;
}

export interface SliceOffer {
  lever: string;
  offeredAt: string;
  invoiceExternalIds: string[];
  propensity: number | null;
  outcome: 'paid' | 'partially_paid' | 'ignored' | 'churned' | null;
  outcomeAt: string | null;
  daysToPay: number | null;
}

export interface PortfolioSlice {
  customers: SliceCustomer[];
  /** Every invoice of the slice's customers, settled or open (payment-delay input). */
  invoices: InvoiceRecord[];
  /** invoiceId (db id as text) → open amount, for open invoices. */
  openAmounts: Map<string, number>;
  histories: Map<number, CustomerHistory>;
  offers: Map<number, SliceOffer[]>;
}

const ISO_TS = `'YYYY-MM-DD"T"HH24:MI:SS"Z"'`;
const ts = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', ${ISO_TS})`;

/** Whose history a load reads: a slice of the portfolio by id range, or the customers of a request. */
export type CustomerSet = { fromId: number; toId: number } | { ids: readonly number[] };

function customerFilter(of: CustomerSet): { among: (col: string) => string; params: unknown[] } {
  if ('ids' in of) return { among: (col) => `${col} = ANY($1::int[])`, params: [of.ids] };
  return { among: (col) => `${col} BETWEEN $1 AND $2`, params: [of.fromId, of.toId] };
}

interface InvoiceRow {
  id: number; external_id: string; customer_id: number; segment: string | null; issue_date: string; due_date: string; amount: number;
  open_amount: number; currency: string; disputed: boolean; settled_date: string | null; status: string | null;
  status_date: string | null; promised_date: string | null; payment_terms_days: number; risk_score: number | null;
  method: string | null;
}

// Qualifications that mean the customer contests the invoice; their date is when
// the dispute was known at the latest, so an open one counts before it settles.
/** Qualifications that contest an invoice, as a disputed flag does. */
export const DISPUTE_STATUS_LIST = ['dispute', 'litigation', 'waiting_credit_note'] as const;
const DISPUTE_STATUSES = new Set<string>(DISPUTE_STATUS_LIST);
export const isDisputeStatus = (status: string | null | undefined): boolean => status != null && DISPUTE_STATUSES.has(status);

/**
 * Every invoice of a set of customers with what the payment-delay model reads of it.
 * Each table is reached through the slice's own rows (the customers by id range, the
 * method of the latest payment by each invoice's allocations): joined by hash instead,
 * the planner scanned all customers and all allocations once per slice, so a nightly
 * run grew with the square of the portfolio (481 ms a slice at 100,000 customers, 262 ms now).
 */
function loadInvoiceRows(db: Queryable, of: CustomerSet): Promise<InvoiceRow[]> {
  const { among, params } = customerFilter(of);
  return db.query<InvoiceRow>(
    `SELECT i.id, i.external_id, i.customer_id, cu.segment, i.issue_date, i.due_date, i.amount, i.open_amount, i.currency,
            i.disputed, i.settled_date, i.status, i.status_date, i.promised_date, cu.payment_terms_days, cu.risk_score, lm.method
     FROM invoices i
     JOIN customers cu ON cu.id = i.customer_id AND ${among('cu.id')}
     LEFT JOIN LATERAL (
       SELECT p.method FROM payment_allocations a JOIN payments p ON p.id = a.payment_id
       WHERE a.invoice_id = i.id ORDER BY p.payment_date DESC, p.id DESC LIMIT 1
     ) lm ON true
     WHERE ${among('i.customer_id')} AND i.kind = 'invoice'
     ORDER BY i.customer_id, i.issue_date, i.id`,
    params,
  );
}

interface ReminderCount {
  sent: number;
  answered: number;
}

/**
 * Reminders sent and answered per invoice id, merged into the invoice rows in
 * code rather than joined in their query: the planner cannot estimate how many
 * groups an aggregate over an unnest gives (it guessed one), chose a nested
 * loop over every invoice x reminder pair of the slice, and the 2,000-customer
 * demo slice took 163 s to load on PGlite instead of 3 s. Each reminder's
 * invoices are found by their unique external id, so this grows with the
 * reminders.
 */
async function loadReminderCounts(db: Queryable, of: CustomerSet): Promise<Map<number, ReminderCount>> {
  const { among, params } = customerFilter(of);
  const rows = await db.query<{ id: number } & ReminderCount>(
    `SELECT i.id, count(*)::int AS sent, count(c.replied_at)::int AS answered
     FROM communications c, unnest(c.invoice_external_ids) AS x(ext), invoices i
     WHERE ${among('c.customer_id')} AND i.external_id = x.ext
     GROUP BY i.id`,
    params,
  );
  return new Map(rows.map((r) => [r.id, { sent: r.sent, answered: r.answered }]));
}

function toInvoiceRecords(rows: readonly InvoiceRow[], reminders: ReadonlyMap<number, ReminderCount>): Pick<PortfolioSlice, 'invoices' | 'openAmounts'> {
  const invoices: InvoiceRecord[] = [];
  const openAmounts = new Map<string, number>();
  for (const r of rows) {
    const invoiceId = String(r.id);
    const counts = reminders.get(r.id);
    invoices.push({
      invoiceId,
      customerId: String(r.customer_id),
      segment: r.segment,
      issueDate: r.issue_date,
      dueDate: r.due_date,
      amount: r.amount,
      currency: r.currency,
      disputed: r.disputed || isDisputeStatus(r.status),
      settledDate: r.settled_date,
      paymentMethod: r.method,
      promisedDate: r.status === 'promise_to_pay' ? r.promised_date : null,
      remindersSent: counts?.sent ?? 0,
      remindersAnswered: counts?.answered ?? 0,
      externalRiskScore: r.risk_score,
      paymentTermsDays: r.payment_terms_days,
    });
    if (r.open_amount > 0 && r.settled_date === null) openAmounts.set(invoiceId, r.open_amount);
  }
  return { invoices, openAmounts };
}

/** Invoice rows and their reminder counts, read together. */
async function loadInvoices(db: Queryable, of: CustomerSet): Promise<{ rows: InvoiceRow[]; records: Pick<PortfolioSlice, 'invoices' | 'openAmounts'> }> {
  const rows = await loadInvoiceRows(db, of);
  return { rows, records: toInvoiceRecords(rows, await loadReminderCounts(db, of)) };
}

/**
 * The payment-delay input alone (no payments, reminders or offers), for
 * reading forecasts on request: a slice of the portfolio, or the customers a
 * request names, read in one pass rather than one customer at a time.
 */
export async function loadInvoiceRecords(db: Queryable, of: CustomerSet): Promise<Pick<PortfolioSlice, 'invoices' | 'openAmounts'>> {
  return (await loadInvoices(db, of)).records;
}

export async function loadSlice(db: Queryable, fromId: number, toId: number, asOf: string): Promise<PortfolioSlice> {
  const range = [fromId, toId];
  const customers = await db.query<SliceCustomer>(
    `SELECT c.id, c.external_id AS "externalId", c.segment, c.timezone, c.risk_score AS "riskScore",
            c.payment_method AS "paymentMethod", c.late_penalties AS "latePenalties", ins.day AS "insolvencyDate"
     FROM customers c
     LEFT JOIN (SELECT customer_id, min(occurred_at)::date::text AS day FROM external_events
                WHERE kind = 'insolvency' AND customer_id BETWEEN $1 AND $2 GROUP BY customer_id) ins ON ins.customer_id = c.id
     WHERE c.id BETWEEN $1 AND $2 ORDER BY c.id`,
    range,
  );
  const offerRows = await db.query<{ customer_id: number } & SliceOffer>(
    `SELECT customer_id, lever, ${ts('offered_at')} AS "offeredAt", invoice_external_ids AS "invoiceExternalIds",
            propensity, outcome, ${ts('outcome_at')} AS "outcomeAt", days_to_pay AS "daysToPay"
     FROM incentive_offers WHERE customer_id BETWEEN $1 AND $2 ORDER BY customer_id, offered_at`,
    range,
  );
  const { rows: invoiceRows, records } = await loadInvoices(db, { fromId, toId });
  const payments = await db.query<{ customer_id: number; payment_date: string; amount: number; method: string }>(
    `SELECT customer_id, payment_date, amount, method FROM payments
     WHERE customer_id BETWEEN $1 AND $2 AND payment_date <= $3 ORDER BY customer_id, payment_date`,
    [fromId, toId, asOf],
  );
  const comms = await db.query<{ customer_id: number } & HistoryCommunication>(
    `SELECT customer_id, channel, ${ts('sent_at')} AS "sentAt", ${ts('opened_at')} AS "openedAt",
            machine_open AS "machineOpen", ${ts('clicked_at')} AS "clickedAt", ${ts('replied_at')} AS "repliedAt",
            ${ts('bounced_at')} AS "bouncedAt"
     FROM communications WHERE customer_id BETWEEN $1 AND $2 ORDER BY customer_id, sent_at`,
    range,
  );

  const histories = new Map<number, CustomerHistory>();
  const offers = new Map<number, SliceOffer[]>();
  for (const { customer_id, ...o } of offerRows) {
    const list = offers.get(customer_id);
    if (list) list.push(o);
    else offers.set(customer_id, [o]);
  }
  for (const c of customers) {
    histories.set(c.id, { customerExternalId: c.externalId, segment: c.segment, asOf, invoices: [], payments: [], communications: [] });
  }
  const { invoices, openAmounts } = records;
  // The drift model's view of the same invoices: one record per row, in row order.
  invoiceRows.forEach((r, k) => {
    const inv = invoices[k];
    const h: HistoryInvoice = {
      // The platform's id: logged offers and reminders name invoices by it.
      externalId: r.external_id,
      issueDate: inv.issueDate,
      dueDate: inv.dueDate,
      settledDate: inv.settledDate,
      amount: inv.amount,
      disputed: inv.disputed,
      disputedDate: isDisputeStatus(r.status) ? r.status_date : null,
    };
    histories.get(r.customer_id)?.invoices.push(h);
  });
  for (const p of payments) {
    const h: HistoryPayment = { paymentDate: p.payment_date, amount: p.amount, method: p.method };
    histories.get(p.customer_id)?.payments.push(h);
  }
  for (const { customer_id, ...c } of comms) histories.get(customer_id)?.communications.push(c);
  return { customers, invoices, openAmounts, histories, offers };
}

/**
 * Customers a slice loads at once on the embedded database. PGlite answers in
 * the event loop's own thread, about 30 µs per invoice row it parses: a slice
 * of 2,500 customers (97,000 invoices) held the loop for 3 to 4 s, 500 keep
 * each query and each slice's scoring under a second.
 */
export const EMBEDDED_SLICE_CUSTOMERS = 500;

/** The slice size for `db`: `onPostgres` on a server, whose queries do not hold this thread. */
export const sliceCustomers = (db: Db, onPostgres: number): number => (db.kind === 'pglite' ? EMBEDDED_SLICE_CUSTOMERS : onPostgres);

/** Customer-id ranges covering the portfolio, about `size` customers each. */
export async function customerRanges(db: Queryable, size: number, ids?: number[]): Promise<[number, number][]> {
  if (ids) return [...new Set(ids)].sort((a, b) => a - b).map((id) => [id, id]);
  const bounds = await db.query<{ lo: number; hi: number }>(
    `SELECT min(id) AS lo, max(id) AS hi FROM (
       SELECT id, (row_number() OVER (ORDER BY id) - 1) / $1 AS bucket FROM customers
     ) t GROUP BY bucket ORDER BY bucket`,
    [size],
  );
  return bounds.map((b) => [b.lo, b.hi]);
}
