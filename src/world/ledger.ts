// One customer's ledger: invoices issued over the period, incentives applied
// on the way, and the payments (with allocations) observed up to the end date.
import type { Day } from './dates.js';
import { decideDiscount, decideOverdue, type OfferSim } from './incentives.js';
import { issueSchedule, simulateInvoice, type InvoiceSim } from './invoicing.js';
import { customerStream } from './rng.js';
import type { CustomerPlan, Period } from './traits.js';
import type { PaymentMethod } from './types.js';

export interface PaymentSim {
  externalId: string;
  day: Day;
  method: PaymentMethod;
  cents: number;
  allocations: Array<{ invoice: InvoiceSim; cents: number }>;
}

export interface Ledger {
  invoices: InvoiceSim[];
  offers: OfferSim[];
  payments: PaymentSim[];
  /** Day the customer stopped buying after an incentive (truth), if any. */
  churnDay: Day | null;
}

const METHOD_ORDER: Record<PaymentMethod, number> = { transfer: 0, cheque: 1, card: 2, direct_debit: 3 };

export function simulateLedger(seed: number, plan: CustomerPlan, period: Period): Ledger {
  const rng = customerStream(seed, plan.index, 'invoices');
  const incentiveRng = customerStream(seed, plan.index, 'incentives');
  const issueDays = issueSchedule(rng, plan, period);
  // Suppliers stop delivering an insolvent customer; a churned one stops ordering.
  let cutoff = plan.insolvencyDay ?? Number.POSITIVE_INFINITY;
  let churnDay: Day | null = null;
  const invoices: InvoiceSim[] = [];
  const offers: OfferSim[] = [];
  for (let k = 0; k < issueDays.length && issueDays[k] <= cutoff; k++) {
    const invoice = simulateInvoice(rng, plan, k, issueDays[k]);
    const discount = decideDiscount(incentiveRng, plan, invoice);
    if (discount) offers.push(discount);
    const overdue = decideOverdue(incentiveRng, plan, invoice, period.endDay);
    if (overdue) {
      offers.push(overdue);
      if (overdue.churnDay !== null && overdue.churnDay < cutoff) {
        cutoff = overdue.churnDay;
        churnDay = overdue.churnDay;
      }
    }
    invoices.push(invoice);
  }
  const kept = invoices.filter((i) => i.issueDay <= cutoff);
  const keptOffers = offers.filter((o) => o.invoice.issueDay <= cutoff);
  return {
    invoices: kept,
    offers: keptOffers,
    payments: paymentsOf(plan, kept, period.endDay),
    churnDay: churnDay !== null && churnDay <= period.endDay ? churnDay : null,
  };
}

/**
 * Chunks paid the same day with the same method form one payment: a monthly
 * cheque covers every invoice of the run, a transfer often several invoices.
 */
function paymentsOf(plan: CustomerPlan, invoices: InvoiceSim[], endDay: Day): PaymentSim[] {
  const byKey = new Map<string, PaymentSim>();
  for (const invoice of invoices) {
    for (const chunk of invoice.chunks) {
      if (chunk.day > endDay) continue;
      const key = `${chunk.day}|${chunk.method}`;
      let payment = byKey.get(key);
      if (!payment) {
        payment = { externalId: '', day: chunk.day, method: chunk.method, cents: 0, allocations: [] };
        byKey.set(key, payment);
      }
      const same = payment.allocations.find((a) => a.invoice === invoice);
      if (same) same.cents += chunk.cents;
      else payment.allocations.push({ invoice, cents: chunk.cents });
      payment.cents += chunk.cents;
    }
  }
  const payments = [...byKey.values()].sort((a, b) => a.day - b.day || METHOD_ORDER[a.method] - METHOD_ORDER[b.method]);
  const number = plan.externalId.slice(4);
  payments.forEach((p, i) => {
    p.externalId = `PAY-${number}-${String(i + 1).padStart(4, '0')}`;
  });
  return payments;
}

/** Cents paid on an invoice up to and including `day`. */
export function paidBy(invoice: InvoiceSim, day: Day): number {
  let paid = 0;
  for (const c of invoice.chunks) if (c.day <= day) paid += c.cents;
  return paid;
}
