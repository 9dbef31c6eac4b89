// Small invoice histories with known behaviour (ground truth by construction):
// each customer pays a fixed number of days after due, plus a small deterministic
// wobble, plus a known extra delay on disputed invoices.
import fc from 'fast-check';
import { addDays } from '../../../src/ml/payment-delay/dates.js';
import { fitPaymentDelay, issueDateTargets, DEFAULT_OPTIONS, type PaymentDelayOptions, type PaymentDelayState } from '../../../src/ml/payment-delay/fit.js';
import type { InvoiceRecord } from '../../../src/ml/payment-delay/types.js';

let nextId = 1;

export function invoice(overrides: Partial<InvoiceRecord> = {}): InvoiceRecord {
  const issueDate = overrides.issueDate ?? '2024-01-01';
  const terms = overrides.paymentTermsDays ?? 30;
  return {
    invoiceId: `INV-${nextId++}`,
    customerId: 'C1',
    segment: 'FR',
    issueDate,
    dueDate: addDays(issueDate, terms),
    amount: 1000,
    disputed: false,
    settledDate: null,
    paperless: true,
    paymentTermsDays: terms,
    ...overrides,
  };
}

export interface CustomerSpec {
  customerId: string;
  segment?: string;
  /** Days after due the customer pays an undisputed invoice. */
  daysLate: number;
  invoices?: number;
  firstIssue?: string;
  intervalDays?: number;
  /** Every n-th invoice is disputed (0: never). */
  disputeEvery?: number;
  /** Days a dispute adds. */
  disputeDelay?: number;
  /** Half-width of the deterministic wobble around daysLate. */
  wobble?: number;
}

/** Settled invoices of one customer, issued every `intervalDays`. */
export function customerInvoices(spec: CustomerSpec): InvoiceRecord[] {
  const { invoices = 12, firstIssue = '2023-01-02', intervalDays = 20, disputeEvery = 0, disputeDelay = 12, wobble = 3 } = spec;
  return Array.from({ length: invoices }, (_, i) => {
    const issueDate = addDays(firstIssue, i * intervalDays);
    const disputed = disputeEvery > 0 && i % disputeEvery === disputeEvery - 1;
    // A fixed wobble pattern in [-wobble, wobble]: noise with known values.
    const noise = wobble ? ((i * 7 + spec.customerId.length * 3) % (2 * wobble + 1)) - wobble : 0;
    const offset = spec.daysLate + noise + (disputed ? disputeDelay : 0);
    return invoice({
      customerId: spec.customerId,
      segment: spec.segment ?? 'FR',
      issueDate,
      disputed,
      settledDate: addDays(issueDate, 30 + Math.max(offset, -30)),
    });
  });
}

/**
 * A book of 40 customers from habitually early (8 days) to habitually late (20
 * days), with seeded noise: offset = base + 12 if disputed + 4 if on paper + U[-6, 6].
 */
export function portfolio(customers = 40, invoicesEach = 15): InvoiceRecord[] {
  const n = customers * invoicesEach;
  const noise = fc.sample(fc.integer({ min: -6, max: 6 }), { seed: 42, numRuns: n });
  const gaps = fc.sample(fc.integer({ min: 10, max: 30 }), { seed: 43, numRuns: n });
  const flags = fc.sample(fc.record({ disputed: fc.integer({ min: 0, max: 4 }), paper: fc.boolean() }), { seed: 44, numRuns: n });
  const out: InvoiceRecord[] = [];
  for (let c = 0; c < customers; c++) {
    const base = -8 + Math.round((28 * c) / (customers - 1));
    let issue = '2023-01-02';
    for (let i = 0; i < invoicesEach; i++) {
      const k = c * invoicesEach + i;
      issue = addDays(issue, gaps[k]);
      const disputed = flags[k].disputed === 0;
      const offset = base + (disputed ? 12 : 0) + (flags[k].paper ? 4 : 0) + noise[k];
      out.push(invoice({ customerId: `P${c}`, segment: c % 2 ? 'FR' : 'DE', issueDate: issue, disputed, paperless: !flags[k].paper, settledDate: addDays(issue, 30 + Math.max(offset, -30)) }));
    }
  }
  return out;
}

let cached: PaymentDelayState | undefined;

/** A model trained on `portfolio()` (cached: training is deterministic). */
export function trainedState(options: PaymentDelayOptions = DEFAULT_OPTIONS): PaymentDelayState {
  if (options === DEFAULT_OPTIONS && cached) return cached;
  const book = portfolio();
  const state = fitPaymentDelay(book, issueDateTargets(book), options);
  if (options === DEFAULT_OPTIONS) cached = state;
  return state;
}
