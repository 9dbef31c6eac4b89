// Builds the send-time and incentive inputs of a customer from a loaded slice.
// Pure: the same slice feeds every customer-level model.
import type { SendTimeInput } from '../ml/send-time/index.js';
import type { IncentiveInput, IncentiveCustomer } from '../ml/incentives/index.js';
import type { PortfolioSlice, SliceCustomer } from './histories.js';

export function sendTimeInput(slice: PortfolioSlice, c: SliceCustomer, asOf: string): SendTimeInput {
  const h = slice.histories.get(c.id)!;
  return {
    customerExternalId: c.externalId,
    segment: c.segment,
    timezone: c.timezone,
    asOf,
    communications: h.communications,
    payments: h.payments.map((p) => ({ paymentDate: p.paymentDate })),
  };
}

export function incentiveCustomer(slice: PortfolioSlice, c: SliceCustomer, asOf: string): IncentiveCustomer {
  const h = slice.histories.get(c.id)!;
  return {
    customerExternalId: c.externalId,
    segment: c.segment,
    riskScore: c.riskScore,
    paymentMethod: c.paymentMethod,
    latePenalties: c.latePenalties,
    insolvencyDate: c.insolvencyDate,
    asOf,
    invoices: h.invoices.map((i) => ({
      externalId: i.externalId!, issueDate: i.issueDate, dueDate: i.dueDate, settledDate: i.settledDate, amount: i.amount, disputed: i.disputed,
    })),
    offers: (slice.offers.get(c.id) ?? []).map((o) => ({ ...o, invoiceExternalIds: o.invoiceExternalIds })),
  };
}

const DAY = 86_400_000;

/** Where the customer stands: age and amount of what is overdue as of `asOf`. */
export function overdueSituation(slice: PortfolioSlice, c: SliceCustomer, asOf: string): IncentiveInput['situation'] {
  const now = Date.parse(asOf);
  let oldestDue = Infinity;
  let overdueAmount = 0;
  for (const inv of slice.invoices) {
    if (inv.customerId !== String(c.id)) continue;
    const open = slice.openAmounts.get(inv.invoiceId);
    if (open === undefined) continue;
    const due = Date.parse(inv.dueDate);
    oldestDue = Math.min(oldestDue, due);
    if (due < now) overdueAmount += open;
  }
  return { daysOverdue: Number.isFinite(oldestDue) ? Math.round((now - oldestDue) / DAY) : -30, overdueAmount };
}
