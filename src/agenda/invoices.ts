// Shared shaping of the invoices a suggestion is about. Pure.
import { daysBetween } from './dates.js';
import { invoiceList, lateness, money, sumOpen } from './format.js';
import type { ActionReason, CustomerContext, InvoiceRef, IsoDate, OpenInvoice } from './types.js';

export function invoiceRef(i: OpenInvoice, asOf: IsoDate): InvoiceRef {
  return {
    invoiceId: i.invoiceId,
    externalId: i.externalId,
    number: i.number,
    openAmount: i.openAmount,
    dueDate: i.dueDate,
    daysOverdue: daysBetween(i.dueDate, asOf),
  };
}

/** Oldest due first, then by id, so texts and keys do not depend on load order. */
export function refsOf(invoices: OpenInvoice[], asOf: IsoDate): InvoiceRef[] {
  return invoices
    .map((i) => invoiceRef(i, asOf))
    .sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.invoiceId - b.invoiceId));
}

export interface InvoiceGroupSummary {
  refs: InvoiceRef[];
  amount: number;
  maxDaysOverdue: number;
  currency: string;
  /** The smallest invoice id: anchors keys of groups that can grow. */
  anchorId: number;
  singleInvoiceId: number | null;
  /** "3 invoices (F-1, F-2, F-3), 4,500.00 USD, oldest 35 days overdue" */
  text: string;
  amountReason: ActionReason;
}

export function summarise(invoices: OpenInvoice[], asOf: IsoDate, customer: CustomerContext | undefined): InvoiceGroupSummary {
  const refs = refsOf(invoices, asOf);
  const amount = sumOpen(refs);
  const maxDaysOverdue = Math.max(...refs.map((r) => r.daysOverdue));
  const currency = customer?.currency ?? invoices[0].currency;
  const late = refs.length === 1 ? lateness(maxDaysOverdue) : `oldest ${lateness(maxDaysOverdue)}`;
  const text = `${invoiceList(refs)}, ${money(amount, currency)}, ${late}`;
  return {
    refs,
    amount,
    maxDaysOverdue,
    currency,
    anchorId: Math.min(...refs.map((r) => r.invoiceId)),
    singleInvoiceId: refs.length === 1 ? refs[0].invoiceId : null,
    text,
    amountReason: { factor: 'openAmount', text: `${money(amount, currency)} still open on ${invoiceList(refs)}`, value: amount },
  };
}

/** A person's task on some of a customer's invoices (summarised in `g`). */
export const invoiceTask = (origin: 'ml' | 'qualification', customerId: number, customer: CustomerContext | undefined, g: InvoiceGroupSummary) => ({
  origin,
  task: true,
  customerId,
  collectorId: customer?.collectorId ?? null,
  invoiceId: g.singleInvoiceId,
  invoices: g.refs,
  currency: g.currency,
});

export { groupBy } from '../util/collections.js';
