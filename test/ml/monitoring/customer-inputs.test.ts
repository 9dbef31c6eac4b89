// The reference of a customer-level model re-dates the holdout's histories to
// days before their end, so the summary must know nothing after its asOf: a
// reference counting later events would differ from every rescoring.
import { describe, it, expect } from 'vitest';
import { customerActivity, driftServingInputs } from '../../../src/ml/monitoring/customer-inputs.js';
import { servingColumns } from '../../../src/ml/monitoring/serving-inputs.js';
import type { CustomerHistory } from '../../../src/ml/drift/index.js';

const history = (asOf: string): CustomerHistory => ({
  segment: 'smb',
  asOf,
  invoices: [
    { issueDate: '2026-01-01', dueDate: '2026-01-31', settledDate: '2026-02-10', amount: 100, disputed: false },
    { issueDate: '2026-05-01', dueDate: '2026-05-31', settledDate: '2026-06-20', amount: 100, disputed: false },
    { issueDate: '2026-09-01', dueDate: '2026-10-01', settledDate: null, amount: 100, disputed: false },
  ],
  payments: [
    { paymentDate: '2026-02-10', amount: 100, method: 'transfer' },
    { paymentDate: '2026-06-20', amount: 100, method: 'card' },
  ],
  communications: [
    { sentAt: '2026-06-05T09:00:00Z', repliedAt: '2026-06-05T10:00:00Z' },
    { sentAt: '2026-06-12T09:00:00Z', openedAt: '2026-06-12T09:00:05Z', machineOpen: true },
  ],
});

describe('when a history is summed up as of a day', () => {
  it('knows nothing dated after it', () => {
    expect(customerActivity(history('2026-06-15'))).toMatchObject({
      invoicesSettled: 1, medianDaysLate: 10, paymentsMade: 1, mainPaymentMethod: 'transfer', overdueInvoices: 1, daysOverdue: 15,
      remindersSent: 2, reminderResponseShare: 0.5,
    });
  });

  it('counts only the last six months, and no open invoice once settled', () => {
    expect(customerActivity(history('2026-10-11'))).toMatchObject({
      invoicesSettled: 1, medianDaysLate: 20, paymentsMade: 1, mainPaymentMethod: 'card', overdueInvoices: 1, daysOverdue: 10,
    });
  });
});

describe('when a reference is drawn from a holdout', () => {
  it('takes every customer on five days a week apart, each as known that day', () => {
    const columns = servingColumns(driftServingInputs, { examples: [{ history: history('2026-01-01') }] });
    // From the last issue date, 1 September, back to 4 August: only the six months before 4 August reach the settlement of 10 February.
    expect(columns.invoicesSettled).toEqual([1, 1, 1, 1, 2]);
    expect(columns.medianDaysLate).toEqual([20, 20, 20, 20, 15]);
    expect(columns.remindersSent).toEqual([2, 2, 2, 2, 2]);
  });
});
