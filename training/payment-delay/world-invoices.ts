// A synthetic world directory (training/world.ts) read straight into the
// payment-delay records, the fields the service's loadSlice (src/scoring/histories.ts)
// reads from the database after an import, without a database.
import type { InvoiceRecord } from '../../src/ml/payment-delay/types.js';
import { isDisputeStatus } from '../../src/scoring/histories.js';
import { readWorld } from '../send-time/world-files.js';

/** Which customer column becomes the invoice's segment (the model's prior for new customers). */
export type WorldSegmentField = 'segment' | 'country';

export function loadWorldInvoices(dir: string, segmentField: WorldSegmentField = 'segment'): InvoiceRecord[] {
  const { rows } = readWorld(dir, ['customers', 'invoices', 'payments', 'payment-allocations', 'communications']);
  const customers = new Map((rows.customers ?? []).map((c) => [c.externalId, c]));
  const paymentOf = new Map((rows.payments ?? []).map((p) => [p.externalId, p]));
  // The method of the latest payment allocated to each invoice.
  const lastMethod = new Map<string, { date: string; method: string }>();
  for (const a of rows['payment-allocations'] ?? []) {
    const p = paymentOf.get(a.paymentExternalId);
    const seen = lastMethod.get(a.invoiceExternalId);
    if (p && (!seen || p.paymentDate > seen.date)) lastMethod.set(a.invoiceExternalId, { date: p.paymentDate, method: p.method });
  }
  const reminders = new Map<string, { sent: number; answered: number }>();
  for (const c of rows.communications ?? []) {
    for (const id of c.invoiceExternalIds) {
      const r = reminders.get(id) ?? { sent: 0, answered: 0 };
      r.sent++;
      if (c.repliedAt) r.answered++;
      reminders.set(id, r);
    }
  }
  const out: InvoiceRecord[] = [];
  for (const inv of rows.invoices ?? []) {
    const customer = customers.get(inv.customerExternalId);
    if (inv.kind !== 'invoice' || !customer) continue;
    const r = reminders.get(inv.externalId);
    out.push({
      invoiceId: inv.externalId,
      customerId: inv.customerExternalId,
      segment: customer[segmentField],
      issueDate: inv.issueDate,
      dueDate: inv.dueDate,
      amount: inv.amount,
      currency: inv.currency,
      disputed: inv.disputed || isDisputeStatus(inv.status),
      settledDate: inv.settledDate,
      paymentMethod: lastMethod.get(inv.externalId)?.method ?? null,
      promisedDate: inv.status === 'promise_to_pay' ? inv.promisedDate : null,
      remindersSent: r?.sent ?? 0,
      remindersAnswered: r?.answered ?? 0,
      externalRiskScore: customer.riskScore,
      paymentTermsDays: customer.paymentTermsDays,
    });
  }
  return out;
}
