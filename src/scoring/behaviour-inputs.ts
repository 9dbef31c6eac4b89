// Builds the send-time and incentive inputs of a customer from a loaded slice.
// Pure: the same slice feeds every customer-level model.
import type { SendTimeInput } from '../ml/send-time/index.js';
import type { IncentiveInput, IncentiveCustomer, OverdueInvoice } from '../ml/incentives/index.js';
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
    offers: slice.offers.get(c.id) ?? [],
  };
}

const DAY = 86_400_000;

/** Currency → value of one unit in the reporting currency on the day; null where no rate prices it. */
export type ReportingRates = ReadonlyMap<string, number | null>;

/**
 * Where each customer of the slice stands: age and amount of what is overdue
 * as of `asOf`, disputed invoices left out (no lever is pulled on a debt the
 * customer contests until the dispute is settled). One pass over the slice's
 * invoices, not one per customer. Each overdue invoice is weighed at its value
 * in the reporting currency (`rates`), the currency the escalation thresholds
 * are set in: 6,000 JPY is not past a threshold of 5,000. An amount no rate
 * prices is no amount in that currency at all: it is left out of the sums and
 * kept as owed, so the escalation guardrail can say it left it out. Without
 * `rates`, amounts are taken as in the thresholds' currency.
 */
export function overdueSituations(slice: PortfolioSlice, asOf: string, rates?: ReportingRates): Map<number, IncentiveInput['situation']> {
  const now = Date.parse(asOf);
  const oldest = new Map<number, number>();
  const overdue = new Map<number, OverdueInvoice[]>();
  for (const inv of slice.invoices) {
    const open = slice.openAmounts.get(inv.invoiceId);
    if (open === undefined || inv.disputed) continue;
    const customerId = Number(inv.customerId);
    const due = Date.parse(inv.dueDate);
    oldest.set(customerId, Math.min(oldest.get(customerId) ?? Infinity, due));
    if (due >= now) continue;
    const list = overdue.get(customerId) ?? [];
    const daysOverdue = Math.round((now - due) / DAY);
    // A currency no exchange rate names is not in `rates` at all: as unvalued as one whose rate is null.
    const rate = rates && inv.currency ? rates.get(inv.currency) ?? null : 1;
    list.push(rate === null ? { daysOverdue, amount: null, owed: { amount: open, currency: inv.currency! } } : { daysOverdue, amount: open * rate });
    overdue.set(customerId, list);
  }
  const out = new Map<number, IncentiveInput['situation']>();
  for (const c of slice.customers) {
    const due = oldest.get(c.id);
    const overdueInvoices = overdue.get(c.id) ?? [];
    out.set(c.id, {
      // Nothing open: advice as if the next invoice were a month from due.
      daysOverdue: due === undefined ? -30 : Math.round((now - due) / DAY),
      overdueAmount: overdueInvoices.reduce((sum, i) => sum + (i.amount ?? 0), 0),
      overdueInvoices,
    });
  }
  return out;
}
