// Read models of invoices for the API: each with its qualification and the
// model outputs stored on it (late probabilities, expected payment date and
// its P10/P90 range), as the last refresh wrote them.
import { Type, type Static } from 'typebox';
import type { Db } from '../db/sql.js';
import { readComputedFields } from '../scoring/computed-fields.js';
import { keysetPage } from '../db/keyset.js';
import { ComputedFieldSchema, portfolioFilter } from '../customers/queries.js';
import { Nullable } from '../util/nullable.js';

const Day = Type.String({ format: 'date' });

export const InvoiceSchema = Type.Object({
  externalId: Type.String(),
  customerExternalId: Type.String(),
  number: Type.String(),
  kind: Type.String({ description: 'invoice or credit_note' }),
  issueDate: Day,
  dueDate: Day,
  amount: Type.Number(),
  openAmount: Type.Number(),
  currency: Type.String(),
  disputed: Type.Boolean(),
  settledDate: Nullable(Day),
  /** Open: days past the due date today (0 when not yet due). Settled, or a credit note: null. */
  daysOverdue: Nullable(Type.Integer()),
  /** Settled: days after the due date it was settled (negative when early). Open, or a credit note: null. */
  daysLate: Nullable(Type.Integer()),
  status: Nullable(Type.String({ description: 'qualification by a collector: promise_to_pay, dispute, litigation, ...' })),
  statusDate: Nullable(Day),
  promisedDate: Nullable(Day),
  poNumber: Nullable(Type.String()),
  computedFields: Type.Array(ComputedFieldSchema),
});
export type InvoiceView = Static<typeof InvoiceSchema>;

export const PaymentAppliedSchema = Type.Object({
  paymentExternalId: Type.String(),
  paymentDate: Day,
  method: Type.String(),
  amount: Type.Number({ description: 'the part of the payment applied to this invoice' }),
  currency: Type.String(),
});

export const InvoiceDetailSchema = Type.Object({ ...InvoiceSchema.properties, payments: Type.Array(PaymentAppliedSchema) });
export type InvoiceDetail = Static<typeof InvoiceDetailSchema>;

export type InvoiceState = 'open' | 'settled' | 'all';

const STATE_SQL: Record<InvoiceState, string> = {
  open: 'i.open_amount > 0',
  settled: 'i.open_amount <= 0',
  all: 'true',
};

const SELECT = `
  SELECT i.id, i.external_id AS "externalId", c.external_id AS "customerExternalId", i.number, i.kind,
    i.issue_date::text AS "issueDate", i.due_date::text AS "dueDate", i.amount::float8 AS amount,
    i.open_amount::float8 AS "openAmount", i.currency, i.disputed, i.settled_date::text AS "settledDate",
    -- A credit note is owed to the customer: it is never overdue, nor paid late.
    CASE WHEN i.kind = 'invoice' AND i.open_amount > 0 THEN GREATEST(current_date - i.due_date, 0) END AS "daysOverdue",
    CASE WHEN i.kind = 'invoice' AND i.open_amount <= 0 AND i.settled_date IS NOT NULL THEN i.settled_date - i.due_date END AS "daysLate",
    i.status, i.status_date::text AS "statusDate", i.promised_date::text AS "promisedDate", i.po_number AS "poNumber"
  FROM invoices i JOIN customers c ON c.id = i.customer_id`;

type Row = Omit<InvoiceView, 'computedFields'> & { id: number };

async function withFields(db: Db, rows: Row[]): Promise<InvoiceView[]> {
  const fields = await readComputedFields(db, 'invoice', rows.map((r) => r.id));
  return rows.map(({ id, ...invoice }) => ({ ...invoice, computedFields: fields.get(id) ?? [] }));
}

export interface CustomerInvoicesQuery {
  state: InvoiceState;
  limit: number;
  after?: number;
}

/** A customer's invoices in import order, a page at a time; null when the customer is unknown (or not of `portfolio`). */
export async function listCustomerInvoices(db: Db, customerExternalId: string, q: CustomerInvoicesQuery, portfolio: string | null = null) {
  const only = portfolioFilter(portfolio, [customerExternalId]);
  const [customer] = await db.query<{ id: number }>(`SELECT id FROM customers c WHERE external_id = $1${only.sql}`, only.params);
  if (!customer) return null;
  const rows = await db.query<Row>(
    `${SELECT} WHERE i.customer_id = $1 AND i.id > $2 AND ${STATE_SQL[q.state]} ORDER BY i.id LIMIT $3`,
    [customer.id, q.after ?? 0, q.limit + 1],
  );
  const { page, nextCursor } = keysetPage(rows, q.limit);
  return { items: await withFields(db, page), nextCursor };
}

/** One invoice with the payments applied to it, oldest first; null when unknown (or its customer not of `portfolio`). */
export async function getInvoice(db: Db, externalId: string, portfolio: string | null = null): Promise<InvoiceDetail | null> {
  const only = portfolioFilter(portfolio, [externalId]);
  const rows = await db.query<Row>(`${SELECT} WHERE i.external_id = $1${only.sql}`, only.params);
  if (rows.length === 0) return null;
  const [invoice] = await withFields(db, rows);
  const payments = await db.query<Static<typeof PaymentAppliedSchema>>(
    `SELECT p.external_id AS "paymentExternalId", p.payment_date::text AS "paymentDate", p.method, a.amount::float8 AS amount, p.currency
     FROM payment_allocations a JOIN payments p ON p.id = a.payment_id
     WHERE a.invoice_id = $1 ORDER BY p.payment_date, p.id`,
    [rows[0].id],
  );
  return { ...invoice, payments };
}
