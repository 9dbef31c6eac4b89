// A UCI card holder's six months as a drift history. The mapping is fixed (no
// label is looked at) and stated here so the evaluation can be judged:
// - each month with a statement (status ≠ -2) is one invoice, observed at the
//   month's end; status k ≥ 1 ("k months late") means the oldest unpaid bill
//   was due k × 30 days earlier, so that invoice is k × 30 days late; -1 (paid
//   duly) and 0 (minimum paid, rest revolving) are on time;
// - each month with a repayment (PAY_AMT > 0) is one payment on the 20th; the
//   file has no payment method, so every payment is a 'transfer' and only
//   instalment size and rhythm can move the payment signal;
// - no reminders, no disputes.
// Placing each observation at its month's end keeps the months in order; the
// statuses are the bank's view as of September 2005, nothing later is used.
import type { CustomerHistory, HistoryInvoice, HistoryPayment } from '../../src/ml/drift/types.js';
import { UCI_MONTHS, type UciHolder } from '../datasets/uci-default.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function monthEnd(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return Date.UTC(y, m, 0); // day 0 of the next month
}

export const UCI_AS_OF = '2005-09-30';

export function uciHistory(holder: UciHolder): CustomerHistory {
  const invoices: HistoryInvoice[] = [];
  const payments: HistoryPayment[] = [];
  UCI_MONTHS.forEach((month, i) => {
    const observed = monthEnd(month);
    const status = holder.status[i];
    if (status !== -2) {
      const daysLate = 30 * Math.max(0, status);
      const due = observed - daysLate * DAY;
      invoices.push({
        externalId: `${holder.id}-${month}`,
        issueDate: iso(due - 25 * DAY),
        dueDate: iso(due),
        settledDate: iso(observed),
        amount: Math.max(0, holder.billAmount[i]),
        disputed: false,
      });
    }
    if (holder.paidAmount[i] > 0) {
      payments.push({ paymentDate: `${month}-20`, amount: holder.paidAmount[i], method: 'transfer' });
    }
  });
  return { customerExternalId: String(holder.id), segment: null, asOf: UCI_AS_OF, invoices, payments, communications: [] };
}
