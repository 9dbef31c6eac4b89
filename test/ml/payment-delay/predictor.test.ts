import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, dayOf, isoOfDay } from '../../../src/ml/payment-delay/dates.js';
import { DEFAULT_OPTIONS } from '../../../src/ml/payment-delay/fit.js';
import { PaymentDelayPredictor } from '../../../src/ml/payment-delay/predictor.js';
import type { InvoiceRecord, PaymentDelayForecast } from '../../../src/ml/payment-delay/types.js';
import { customerInvoices, invoice, trainedState } from './factories.js';

const predictor = new PaymentDelayPredictor(trainedState());

function score(history: InvoiceRecord[], target: InvoiceRecord, asOf = target.issueDate, using = predictor) {
  return using.predict({ invoice: target, history: [...history, target], asOf });
}

/** Paid 8 days late every time, except one of the last ten invoices paid on the due date. */
function habituallyLate(): InvoiceRecord[] {
  const history = customerInvoices({ customerId: 'HAB', daysLate: 8, wobble: 0, invoices: 12 });
  const onTime = history[7];
  history[7] = { ...onTime, settledDate: onTime.dueDate };
  return history;
}

describe('when a customer habitually pays late', () => {
  it('gives a high late probability', () => {
    const target = invoice({ customerId: 'HAB', issueDate: '2023-12-01' });
    expect(score(habituallyLate(), target).value.lateProbability).toBeGreaterThan(0.8);
  });

  it('names their history in the reasons, in words and numbers', () => {
    const target = invoice({ customerId: 'HAB', issueDate: '2023-12-01' });
    const history = score(habituallyLate(), target).reasons.find((r) => r.factor === 'paymentHistory');
    expect(history?.text).toMatch(/^paid 9 of the last 10 invoices late, median 8 days late/);
  });
});

describe('when a customer habitually pays early', () => {
  it('gives a low late probability and an expected date before the due date', () => {
    const target = invoice({ customerId: 'EARLY', issueDate: '2023-12-01' });
    const { value } = score(customerInvoices({ customerId: 'EARLY', daysLate: -8, invoices: 12 }), target);
    expect(value.lateProbability).toBeLessThan(0.2);
    expect(value.expectedPaymentDate < target.dueDate).toBe(true);
  });
});

describe('when a customer has no history', () => {
  it('says the forecast rests on the segment', () => {
    const target = invoice({ customerId: 'NEWCOMER', segment: 'DE' });
    expect(score([], target).reasons.find((r) => r.factor === 'paymentHistory')?.text).toMatch(/^no settled invoice yet: segment DE usually pays/);
  });

  it('does not give the dispute rate of similar customers as its own', () => {
    const target = invoice({ customerId: 'NEWCOMER', segment: 'DE' });
    const text = score([], target).reasons.find((r) => r.factor === 'dispute')?.text;
    expect(text ?? '').not.toMatch(/the customer disputes/);
  });
});

describe('when a customer has settled one invoice', () => {
  it('says how late that one was paid, in plain words', () => {
    const history = customerInvoices({ customerId: 'ONE', daysLate: 6, wobble: 0, invoices: 1 });
    const target = invoice({ customerId: 'ONE', issueDate: '2023-12-01' });
    expect(score(history, target).reasons.find((r) => r.factor === 'paymentHistory')?.text).toBe('paid its only settled invoice 6 days late');
  });
});

const historyArb = fc.record({
  daysLate: fc.integer({ min: -20, max: 40 }),
  invoices: fc.integer({ min: 0, max: 15 }),
  wobble: fc.integer({ min: 0, max: 10 }),
  disputed: fc.boolean(),
  overdue: fc.integer({ min: -30, max: 60 }),
});

describe('when any invoice is scored', () => {
  it('returns ordered quantiles and probabilities that sum to one', () => {
    fc.assert(
      fc.property(historyArb, ({ daysLate, invoices, wobble, disputed, overdue }) => {
        const history = customerInvoices({ customerId: 'ANY', daysLate, invoices, wobble });
        const target = invoice({ customerId: 'ANY', issueDate: '2024-01-10', disputed });
        const asOf = addDays(target.dueDate, Math.max(overdue, -30));
        const { value } = score(history, target, asOf);
        const q = value.distribution.daysAfterDue;
        for (let i = 1; i < q.length; i++) expect(q[i]).toBeGreaterThanOrEqual(q[i - 1]);
        expect(value.p10 <= value.p50 && value.p50 <= value.p90).toBe(true);
        const { onTime, late1to30, lateOver30 } = value.probabilities;
        expect(onTime + late1to30 + lateOver30).toBeCloseTo(1, 9);
        expect(Math.min(onTime, late1to30, lateOver30)).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 150 },
    );
  });
});

describe('when the invoice is already overdue at the scoring date', () => {
  const history = customerInvoices({ customerId: 'OVR', daysLate: 3, invoices: 12 });
  const target = invoice({ customerId: 'OVR', issueDate: '2023-12-01' });
  const asOf = addDays(target.dueDate, 20);

  it('moves the payment date past the days already overdue', () => {
    const atIssue = score(history, target).value;
    const overdue = score(history, target, asOf).value;
    expect(dayOf(overdue.p50)).toBeGreaterThan(dayOf(atIssue.p50));
    expect(overdue.distribution.daysAfterDue[0]).toBeGreaterThanOrEqual(20);
    expect(overdue.probabilities.onTime).toBe(0);
  });

  it('says so first among the reasons', () => {
    const reason = score(history, target, asOf).reasons[0];
    expect(reason.factor).toBe('daysOverdue');
    expect(reason.text).toContain('already 20 days overdue');
  });
});

describe('when a customer who keeps promises promised to pay', () => {
  it('centres the payment date on the promised date', () => {
    const history = customerInvoices({ customerId: 'PRM', daysLate: 25, invoices: 12 }).map((inv) => ({ ...inv, promisedDate: inv.settledDate }));
    const target = invoice({ customerId: 'PRM', issueDate: '2023-12-01' });
    const asOf = addDays(target.dueDate, 5);
    const promised = { ...target, promisedDate: addDays(asOf, 4) };
    const { value, reasons } = score(history, promised, asOf);
    expect(Math.abs(dayOf(value.p50) - dayOf(promised.promisedDate!))).toBeLessThanOrEqual(3);
    expect(reasons[0].factor).toBe('promiseToPay');
  });
});

describe('when the invoice is disputed', () => {
  const history = customerInvoices({ customerId: 'DSP', daysLate: 0, invoices: 12, disputeEvery: 4 });
  const undisputed = invoice({ customerId: 'DSP', issueDate: '2023-12-01' });
  const disputed = { ...undisputed, disputed: true };

  it('expects a later payment', () => {
    expect(dayOf(score(history, disputed).value.p50)).toBeGreaterThan(dayOf(score(history, undisputed).value.p50) + 5);
  });

  it('ignores the flag when the model was trained without it', () => {
    const blind = new PaymentDelayPredictor(trainedState({ ...DEFAULT_OPTIONS, useDisputed: false }));
    expect(score(history, disputed, undefined, blind).value).toEqual(score(history, undisputed, undefined, blind).value);
  });
});

describe('when scoring a whole book as of a date', () => {
  it('scores only the invoices open on that date', () => {
    const settled = customerInvoices({ customerId: 'BOOK', daysLate: 2, invoices: 6 });
    const open = invoice({ customerId: 'BOOK', issueDate: '2023-06-01' });
    const notYetIssued = invoice({ customerId: 'BOOK', issueDate: '2023-08-01' });
    const scored: string[] = [];
    predictor.scoreOpenInvoices([...settled, open, notYetIssued], '2023-07-15', (inv) => scored.push(inv.invoiceId));
    expect(scored).toEqual([open.invoiceId]);
  });
});

describe('when an invoice falls due at the end of the years the service takes', () => {
  const day = fc.integer({ min: dayOf('1900-01-01'), max: dayOf('2199-12-31') }).map(isoOfDay);
  const dates = (v: PaymentDelayForecast) => [v.expectedPaymentDate, v.p10, v.p50, v.p90];

  it('names no payment date after 2199-12-31, the last day a request or an import takes', () => {
    const history = customerInvoices({ customerId: 'END', daysLate: 60, wobble: 10, invoices: 12 });
    const target = invoice({ customerId: 'END', issueDate: '2199-11-01', dueDate: '2199-12-26' });
    const { value } = score(history, target, '2199-12-29');
    expect(dates(value)).toEqual(['2199-12-31', '2199-12-31', '2199-12-31', '2199-12-31']);
    // The day counts stay the model's: two months late, as the customer pays.
    expect(value.expectedDaysAfterDue).toBeGreaterThan(30);
  });

  it('gives calendar days within 1900-2199 and finite numbers, whatever the dates and amount', () => {
    const history = customerInvoices({ customerId: 'ANY', daysLate: 45, wobble: 20, invoices: 12 });
    fc.assert(fc.property(day, day, day, fc.option(day), fc.double({ min: 0, max: 9.99e12, noNaN: true }), fc.boolean(),
      (a, b, c, promise, amount, disputed) => {
        const [issueDate, dueDate, asOf] = [a, b, c].sort();
        const promisedDate = promise !== null && promise >= issueDate ? promise : null;
        const { value, confidence } = score(history, invoice({ customerId: 'ANY', issueDate, dueDate, amount, disputed, promisedDate }), asOf);
        for (const d of dates(value)) expect(d >= '1900-01-01' && d <= '2199-12-31' && isoOfDay(dayOf(d)) === d).toBe(true);
        for (const x of [confidence, value.lateProbability, ...Object.values(value.probabilities)]) expect(Number.isFinite(x)).toBe(true);
      }), { numRuns: 500, seed: 89 });
  });
});
