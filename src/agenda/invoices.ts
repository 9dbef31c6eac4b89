// Shared shaping of the invoices a suggestion is about. Pure.
import { groupBy } from '../util/collections.js';
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
  /** Open amount in `currency`: the priority weighs it. */
  amount: number;
  maxDaysOverdue: number;
  currency: string;
  /** The smallest invoice id: anchors keys of groups that can grow. */
  anchorId: number;
  singleInvoiceId: number | null;
  /** "12 days overdue", "due in 4 days"; "oldest …" for several invoices. */
  late: string;
  /** "3 invoices (F-1, F-2, F-3), 4,500.00 USD, oldest 35 days overdue" */
  text: string;
  /** "4,500.00 USD", or "4,500.00 USD + 150,000 JPY" when currencies are mixed. */
  amounts: string;
  amountReason: ActionReason;
}

/**
 * The currency a group's amount is in: the customer's balance currency when an
 * invoice of the group is in it, else the group's most frequent one. Amounts
 * in other currencies are shown beside it, never added to it.
 */
function groupCurrency(byCurrency: Map<string, OpenInvoice[]>, customer: CustomerContext | undefined): string {
  if (customer && byCurrency.has(customer.currency)) return customer.currency;
  return [...byCurrency].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))[0][0];
}

/** "4,500.00 USD" or, with invoices in other currencies, "4,500.00 USD + 150,000 JPY". */
function amountsText(byCurrency: Map<string, OpenInvoice[]>, currency: string): string {
  const others = [...byCurrency.keys()].filter((c) => c !== currency).sort();
  return [currency, ...others].map((c) => money(sumOpen(byCurrency.get(c)!), c)).join(' + ');
}

export function summarise(invoices: OpenInvoice[], asOf: IsoDate, customer: CustomerContext | undefined): InvoiceGroupSummary {
  const refs = refsOf(invoices, asOf);
  const byCurrency = groupBy(invoices, (i) => i.currency);
  const currency = groupCurrency(byCurrency, customer);
  const amount = sumOpen(byCurrency.get(currency)!);
  const amounts = amountsText(byCurrency, currency);
  const maxDaysOverdue = Math.max(...refs.map((r) => r.daysOverdue));
  const late = refs.length === 1 ? lateness(maxDaysOverdue) : `oldest ${lateness(maxDaysOverdue)}`;
  return {
    refs,
    amount,
    maxDaysOverdue,
    currency,
    anchorId: Math.min(...refs.map((r) => r.invoiceId)),
    singleInvoiceId: refs.length === 1 ? refs[0].invoiceId : null,
    late,
    text: `${invoiceList(refs)}, ${amounts}, ${late}`,
    amounts,
    amountReason: { factor: 'openAmount', text: `${amounts} still open on ${invoiceList(refs)}`, value: amount },
  };
}

/**
 * The invoices a call covers once a person closed it (`invoiceIds` of one of
 * its reasons): the facts leave them out after (facts.ts, CALLED_ABOUT), so an
 * invoice that qualifies later gets a call of its own.
 */
export const coveredInvoiceIds = (g: InvoiceGroupSummary): { invoiceIds: number[] } => ({ invoiceIds: g.refs.map((r) => r.invoiceId) });

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

export { groupBy };
