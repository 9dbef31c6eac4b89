import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, dayOf, isoOfDay } from '../../../src/ml/payment-delay/dates.js';
import { buildFeatureTable, COL, type FeatureConfig, type SegmentPrior } from '../../../src/ml/payment-delay/features.js';
import type { InvoiceRecord } from '../../../src/ml/payment-delay/types.js';
import { customerInvoices, invoice } from './factories.js';

const prior: SegmentPrior = { adjustedOffset: 4, spread: 5, lateRate: 0.3, dueDayShare: 0, daysLate: 3, disputeRate: 0.2, promiseKeptRate: 0.6, replyRate: 0.5, externalRisk: 40 };
const config: FeatureConfig = {
  effects: { disputed: 10, paper: 5 },
  portfolio: prior,
  segments: { DE: { ...prior, adjustedOffset: 9, lateRate: 0.6 } },
  shrinkage: 2,
  paymentMethods: ['card', 'cheque'],
};

function featuresOf(history: readonly InvoiceRecord[], target: InvoiceRecord, asOf: string): Float64Array {
  return buildFeatureTable(history, [{ invoice: target, asOf }], config).values;
}

describe('when the customer has no settled invoice yet', () => {
  it('uses the segment prior for every history feature', () => {
    const target = invoice({ customerId: 'NEW', segment: 'DE' });
    const row = featuresOf([target], target, target.issueDate);
    expect(row[COL.historyCount]).toBe(0);
    expect(row[COL.customerEffect]).toBe(9);
    expect(row[COL.lateRate]).toBeCloseTo(0.6);
  });

  it('falls back to the portfolio prior for an unknown segment', () => {
    const target = invoice({ customerId: 'NEW', segment: 'XX' });
    expect(featuresOf([], target, target.issueDate)[COL.customerEffect]).toBe(4);
  });
});

describe('when history accumulates', () => {
  it('moves the customer effect from the prior towards their own mean delay', () => {
    const history = customerInvoices({ customerId: 'LATE', daysLate: 20, wobble: 0, invoices: 12 });
    const target = invoice({ customerId: 'LATE', issueDate: '2024-06-01' });
    const effects = [1, 3, 12].map((n) => featuresOf(history.slice(0, n), target, target.issueDate)[COL.customerEffect]);
    expect(effects[0]).toBeGreaterThan(4);
    expect(effects[1]).toBeGreaterThan(effects[0]);
    expect(effects[2]).toBeGreaterThan(effects[1]);
    expect(effects[2]).toBeLessThan(20);
  });

  it('quotes the last ten invoices: how many were late and their median delay', () => {
    const history = customerInvoices({ customerId: 'LATE', daysLate: 8, wobble: 0, invoices: 14 });
    const target = invoice({ customerId: 'LATE', issueDate: '2024-06-01' });
    const row = featuresOf(history, target, target.issueDate);
    expect([row[COL.historyCount], row[COL.recentCount], row[COL.recentLateCount], row[COL.recentMedianOffset]]).toEqual([14, 10, 10, 8]);
  });

  it('shows a positive trend when recent invoices are paid later than older ones', () => {
    const older = customerInvoices({ customerId: 'DRIFT', daysLate: 2, wobble: 0, invoices: 10 });
    const recent = customerInvoices({ customerId: 'DRIFT', daysLate: 15, wobble: 0, invoices: 4, firstIssue: '2023-08-01' });
    const target = invoice({ customerId: 'DRIFT', issueDate: '2024-03-01' });
    expect(featuresOf([...older, ...recent], target, target.issueDate)[COL.trend]).toBeGreaterThan(3);
  });
});

describe('when other invoices are still open at the scoring date', () => {
  it('counts them, without the scored invoice, and measures the oldest overdue one', () => {
    const oldOpen = invoice({ customerId: 'O', issueDate: '2024-01-01' });
    const newer = invoice({ customerId: 'O', issueDate: '2024-02-01' });
    const target = invoice({ customerId: 'O', issueDate: '2024-02-10' });
    const asOf = '2024-03-11';
    const row = featuresOf([oldOpen, newer, target], target, asOf);
    expect(row[COL.openCount]).toBe(2);
    expect(row[COL.oldestOpenDaysOverdue]).toBe(dayOf(asOf) - dayOf(oldOpen.dueDate));
    expect(row[COL.daysOverdue]).toBe(dayOf(asOf) - dayOf(target.dueDate));
  });
});

describe('when the latest settlements differ from the long-run habit', () => {
  // Wobble-free customer: 10 invoices paid 2 days late (the last on 2023-08-02),
  // then 3 paid 20 days late (settled 2023-08-20, -25, -30), scored on 2023-09-15.
  const older = customerInvoices({ customerId: 'R', daysLate: 2, wobble: 0, invoices: 10, firstIssue: '2023-01-02' });
  const recent = customerInvoices({ customerId: 'R', daysLate: 20, wobble: 0, invoices: 3, firstIssue: '2023-07-01', intervalDays: 5 });
  const target = invoice({ customerId: 'R', issueDate: '2023-09-15' });
  const row = featuresOf([...older, ...recent], target, target.issueDate);

  it('weighs the last 1, 3 and 5 invoices above the long-run effect, more so the fewer', () => {
    expect(row[COL.last3MeanOffset]).toBeGreaterThan(row[COL.last5MeanOffset]);
    expect(row[COL.last5MeanOffset]).toBeGreaterThan(row[COL.customerEffect]);
    // Shrunk towards the customer effect with pseudo-count k = 2: (3 × 20 + 2 × effect) / 5.
    expect(row[COL.last3MeanOffset]).toBeCloseTo((3 * 20 + 2 * row[COL.customerEffect]) / 5, 9);
    expect(row[COL.lastOffset]).toBeCloseTo((20 + 2 * row[COL.customerEffect]) / 3, 9);
  });

  it('counts the settlements of the 30 days before the scoring date and averages them', () => {
    expect(row[COL.recentSettledCount]).toBe(3);
    expect(row[COL.recentSettledMeanOffset]).toBeCloseTo((3 * 20 + 2 * row[COL.customerEffect]) / 5, 9);
  });
});

describe('when some of the other open invoices are past due at the scoring date', () => {
  it('counts only those past due among the open ones', () => {
    const overdue = invoice({ customerId: 'V', issueDate: '2024-01-01' });
    const notYetDue = invoice({ customerId: 'V', issueDate: '2024-01-20' });
    const paid = invoice({ customerId: 'V', issueDate: '2023-12-01', settledDate: '2024-01-15' });
    const target = invoice({ customerId: 'V', issueDate: '2024-02-05' });
    const row = featuresOf([paid, overdue, notYetDue, target], target, target.issueDate);
    expect([row[COL.openCount], row[COL.overdueOpenCount]]).toEqual([2, 1]);
  });
});

describe('when the due date falls on a weekend', () => {
  it('flags Saturdays and Sundays only', () => {
    const flag = (dueDate: string) => featuresOf([], invoice({ issueDate: addDays(dueDate, -30) }), addDays(dueDate, -30))[COL.dueOnWeekend];
    // 2024-03-02 was a Saturday, 2024-03-03 a Sunday, 2024-03-04 a Monday.
    expect(['2024-03-02', '2024-03-03', '2024-03-04'].map(flag)).toEqual([1, 1, 0]);
  });
});

describe('when the scored invoice is disputed', () => {
  it('carries the customer effect into the dispute interaction, and 0 otherwise', () => {
    const history = customerInvoices({ customerId: 'I', daysLate: 12, wobble: 0, invoices: 6 });
    const disputed = featuresOf(history, invoice({ customerId: 'I', issueDate: '2024-01-01', disputed: true }), '2024-01-01');
    const plain = featuresOf(history, invoice({ customerId: 'I', issueDate: '2024-01-01' }), '2024-01-01');
    expect(disputed[COL.disputedCustomerEffect]).toBe(disputed[COL.customerEffect]);
    expect(plain[COL.disputedCustomerEffect]).toBe(0);
  });
});

describe('when promises to pay were made on settled invoices', () => {
  it('counts the kept and broken ones', () => {
    const kept = invoice({ customerId: 'P', issueDate: '2024-01-01', promisedDate: '2024-02-05', settledDate: '2024-02-06' });
    const broken = invoice({ customerId: 'P', issueDate: '2024-01-05', promisedDate: '2024-02-05', settledDate: '2024-02-20' });
    const target = invoice({ customerId: 'P', issueDate: '2024-03-01' });
    const row = featuresOf([kept, broken, target], target, target.issueDate);
    expect([row[COL.promisesKept], row[COL.promisesBroken]]).toEqual([1, 1]);
  });
});

describe('when a past invoice was prepaid (settled before it was issued)', () => {
  it('counts it as paid on its issue day, not in negative time', () => {
    const prepaid = invoice({ customerId: 'PRE', issueDate: '2024-01-10', settledDate: '2024-01-02' });
    const target = invoice({ customerId: 'PRE', issueDate: '2024-03-01' });
    const row = featuresOf([prepaid], target, target.issueDate);
    expect(row[COL.historyCount]).toBe(1);
    // Due 30 days after issue, paid at issue: 30 days early.
    expect(row[COL.recentMedianOffset]).toBe(-30);
  });
});

describe('when the scoring request is impossible', () => {
  it('refuses to score an invoice before its issue date', () => {
    const target = invoice({ issueDate: '2024-03-01' });
    expect(() => featuresOf([], target, '2024-02-01')).toThrow(/before its issue date/);
  });
});

// ---- no leakage -----------------------------------------------------------
const BASE_DAY = dayOf('2024-01-01');

const invoiceArb = fc.record({
  customer: fc.constantFrom('A', 'B', 'C'),
  issue: fc.integer({ min: 0, max: 200 }),
  terms: fc.constantFrom(15, 30, 45),
  settleAfter: fc.option(fc.integer({ min: 0, max: 120 }), { nil: null }),
  disputed: fc.boolean(),
  paperless: fc.option(fc.boolean(), { nil: null }),
  amount: fc.integer({ min: 1, max: 5000 }),
  promiseAfterDue: fc.option(fc.integer({ min: -5, max: 20 }), { nil: null }),
  reminders: fc.integer({ min: 0, max: 3 }),
  method: fc.constantFrom(null, 'card', 'cheque', 'transfer'),
});

type InvoiceSpec = typeof invoiceArb extends fc.Arbitrary<infer T> ? T : never;

function toInvoices(specs: readonly InvoiceSpec[]): InvoiceRecord[] {
  return specs.map((s, i) => ({
    invoiceId: `L${i}`,
    customerId: s.customer,
    segment: 'DE',
    issueDate: isoOfDay(BASE_DAY + s.issue),
    dueDate: isoOfDay(BASE_DAY + s.issue + s.terms),
    amount: s.amount,
    disputed: s.disputed,
    settledDate: s.settleAfter == null ? null : isoOfDay(BASE_DAY + s.issue + s.settleAfter),
    paymentMethod: s.settleAfter == null ? null : s.method,
    paperless: s.paperless,
    promisedDate: s.promiseAfterDue == null ? null : isoOfDay(BASE_DAY + s.issue + s.terms + s.promiseAfterDue),
    remindersSent: s.reminders,
    remindersAnswered: Math.min(1, s.reminders),
    paymentTermsDays: s.terms,
  }));
}

/** What the AR platform knew at `asOf`: later invoices unknown, later settlements and their details not yet happened. */
function knownAt(history: readonly InvoiceRecord[], asOf: string): InvoiceRecord[] {
  return history
    .filter((inv) => inv.issueDate < asOf)
    .map((inv) =>
      inv.settledDate != null && inv.settledDate < asOf
        ? inv
        : { ...inv, settledDate: null, paymentMethod: null, promisedDate: null, remindersSent: null, remindersAnswered: null },
    );
}

const scenario = fc
  .array(invoiceArb, { minLength: 1, maxLength: 30 })
  .chain((specs) => fc.record({ specs: fc.constant(specs), target: fc.nat({ max: specs.length - 1 }), wait: fc.integer({ min: 0, max: 90 }) }));

describe('when features are computed as of a date', () => {
  it('never see an invoice issued, or a settlement made, on or after that date', () => {
    fc.assert(
      fc.property(scenario, ({ specs, target, wait }) => {
        const history = toInvoices(specs);
        const scored = history[target];
        const settle = scored.settledDate == null ? Infinity : dayOf(scored.settledDate);
        const asOf = isoOfDay(Math.min(dayOf(scored.issueDate) + wait, settle));
        expect(featuresOf(history, scored, asOf)).toEqual(featuresOf(knownAt(history, asOf), scored, asOf));
      }),
      { numRuns: 300 },
    );
  });

  it('do not change when a settlement made after that date is added to the history', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 60 }), ({ specs, target, wait }, afterAsOf, issuedBefore) => {
        const history = toInvoices(specs);
        const scored = { ...history[target], settledDate: null };
        const asOf = isoOfDay(dayOf(scored.issueDate) + wait);
        // Issued before the scoring date, paid on or after it: still open as of then.
        const issue = dayOf(asOf) - issuedBefore;
        const later: InvoiceRecord = {
          ...history[0],
          invoiceId: 'LATER',
          customerId: scored.customerId,
          issueDate: isoOfDay(issue),
          dueDate: isoOfDay(issue + 30),
          settledDate: isoOfDay(dayOf(asOf) + afterAsOf),
          paymentMethod: 'cheque',
        };
        const open = { ...later, settledDate: null, paymentMethod: null };
        const rest = history.map((inv, i) => (i === target ? scored : inv));
        expect(featuresOf([...rest, later], scored, asOf)).toEqual(featuresOf([...rest, open], scored, asOf));
      }),
      { numRuns: 300 },
    );
  });

  it('ignore the scored invoice’s own outcome', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 100 }), ({ specs, target }, later) => {
        const history = toInvoices(specs);
        const scored = { ...history[target], settledDate: addDays(history[target].issueDate, 5), paymentMethod: 'card' };
        const otherOutcome = { ...scored, settledDate: addDays(scored.settledDate, later), paymentMethod: 'cheque', promisedDate: addDays(scored.issueDate, 3) };
        const asOf = scored.issueDate;
        const rest = history.filter((_, i) => i !== target);
        expect(featuresOf([...rest, scored], scored, asOf)).toEqual(featuresOf([...rest, otherOutcome], otherOutcome, asOf));
      }),
      { numRuns: 200 },
    );
  });
});
