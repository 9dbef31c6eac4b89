// The shape of the payment-date distribution where a smooth location-scale
// model goes wrong: a pile of payments on the due date (direct debits) and new
// customers, whose first payment is drawn from the whole book's habits.
import { describe, expect, it } from 'vitest';
import { addDays, dayOf, dueBusinessDayOffset } from '../../../src/ml/payment-delay/dates.js';
import { featureColumns } from '../../../src/ml/payment-delay/features.js';
import { fitPaymentDelay, issueDateTargets, type PaymentDelayState } from '../../../src/ml/payment-delay/fit.js';
import { PaymentDelayPredictor } from '../../../src/ml/payment-delay/predictor.js';
import type { InvoiceRecord } from '../../../src/ml/payment-delay/types.js';
import { invoice, portfolio, trainedState } from './factories.js';

/** Collected on the due date's business day, except every fifth invoice: disputed, blocked, paid 15 days late. */
function directDebitCustomer(customerId: string, invoices = 15): InvoiceRecord[] {
  return Array.from({ length: invoices }, (_, i) => {
    const issueDate = addDays('2023-01-02', i * 23 + (customerId.length % 5));
    const due = addDays(issueDate, 30);
    const disputed = i % 5 === 4;
    const offset = disputed ? 15 : dueBusinessDayOffset(dayOf(due));
    return invoice({ customerId, segment: 'FR', issueDate, disputed, settledDate: addDays(due, offset) });
  });
}

function fit(book: InvoiceRecord[]): PaymentDelayState {
  return fitPaymentDelay(book, issueDateTargets(book));
}

describe('when a good part of the book pays by direct debit', () => {
  const book = [...Array.from({ length: 30 }, (_, c) => directDebitCustomer(`DD${c}`)).flat(), ...portfolio(30, 15)];
  const state = fit(book);
  const predictor = new PaymentDelayPredictor(state);
  const history = book.filter((inv) => inv.customerId === 'DD3');
  const score = (target: InvoiceRecord) => predictor.predict({ invoice: target, history: [...history, target], asOf: target.issueDate }).value;

  it('learns the pile on the due date', () => {
    expect(state.features.dueDayAtom).toBe(true);
    expect(state.atom?.names[0]).toBe('dueDayShare');
  });

  it('does not give a direct-debit customer who never paid an undisputed invoice late a real chance of paying late', () => {
    const forecast = score(invoice({ customerId: 'DD3', issueDate: '2024-03-04' }));
    expect(forecast.lateProbability).toBeLessThan(0.1);
    expect(forecast.p50).toBe(forecast.distribution.dueDate);
  });

  it('tells the collector why: the customer pays on the due date', () => {
    const target = invoice({ customerId: 'DD3', issueDate: '2024-03-04' });
    const reasons = predictor.predict({ invoice: target, history: [...history, target], asOf: target.issueDate }).reasons;
    const habit = reasons.find((r) => r.factor === 'dueDateHabit');
    expect(habit?.text).toMatch(/pays on the due date itself .*: \d+% of its settled invoices/);
    expect(habit?.value).toBeGreaterThan(0.7);
  });

  it('expects a disputed invoice of the same customer late, as their disputed ones were', () => {
    expect(score(invoice({ customerId: 'DD3', issueDate: '2024-03-04', disputed: true })).lateProbability).toBeGreaterThan(0.5);
  });

  it('expects payment on the Friday when the due date falls on a Sunday', () => {
    // Issued 2024-03-01 with 30 days' terms: due Sunday 2024-03-31.
    const forecast = score(invoice({ customerId: 'DD3', issueDate: '2024-03-01' }));
    expect(forecast.p50).toBe('2024-03-29');
    expect(forecast.lateProbability).toBeLessThan(0.1);
  });

  it('keeps the smooth part for the customers who pay around the due date', () => {
    const late = book.filter((inv) => inv.customerId === 'P29');
    const target = invoice({ customerId: 'P29', segment: 'FR', issueDate: '2024-03-04' });
    expect(predictor.predict({ invoice: target, history: [...late, target], asOf: target.issueDate }).value.lateProbability).toBeGreaterThan(0.8);
  });
});

/**
 * Collected on the due date's business day, except two invoices in eighteen
 * whose debit failed and was collected again 9-11 days later, and every fifth,
 * disputed, paid a month late.
 */
function failingDebitCustomer(customerId: string, invoices = 18): InvoiceRecord[] {
  return Array.from({ length: invoices }, (_, i) => {
    const issueDate = addDays('2023-01-02', i * 23 + (customerId.length % 5));
    const due = addDays(issueDate, 30);
    const disputed = i % 5 === 4;
    const offset = disputed ? 30 : i % 9 === 7 ? 9 + (i % 3) : dueBusinessDayOffset(dayOf(due));
    return invoice({ customerId, segment: 'FR', issueDate, disputed, settledDate: addDays(due, offset) });
  });
}

describe('when a direct debit was not collected on the due date', () => {
  const book = [...Array.from({ length: 30 }, (_, c) => failingDebitCustomer(`DD${c}`)).flat(), ...portfolio(30, 15)];
  const state = fit(book);
  const predictor = new PaymentDelayPredictor(state);
  const history = book.filter((inv) => inv.customerId === 'DD3');
  // Issued Monday 2024-03-04, due Wednesday 2024-04-03; scored on 2024-04-06, still unpaid.
  const target = invoice({ customerId: 'DD3', issueDate: '2024-03-04' });
  const overdue = predictor.predict({ invoice: target, history: [...history, target], asOf: '2024-04-06' });

  it('learns how the habit\'s missed debits were paid', () => {
    expect(state.atom?.missed?.medianDaysLate).toBeGreaterThanOrEqual(9);
    expect(state.atom?.missed?.medianDaysLate).toBeLessThanOrEqual(11);
  });

  it('expects the payment when failed debits were collected, not the next day', () => {
    const daysAfterDue = (iso: string) => dayOf(iso) - dayOf(overdue.value.distribution.dueDate);
    expect(daysAfterDue(overdue.value.p50)).toBeGreaterThanOrEqual(8);
    expect(daysAfterDue(overdue.value.p50)).toBeLessThanOrEqual(12);
    expect(daysAfterDue(overdue.value.p10)).toBeGreaterThanOrEqual(4);
  });

  it('tells the collector why', () => {
    const missed = overdue.reasons.find((r) => r.factor === 'missedDueDate');
    expect(missed?.text).toMatch(/usually paid on the due date itself \(\d+% of its settled invoices\), not this time: .* paid a median of \d+ days after it/);
    expect(missed?.value).toBe(state.atom?.missed?.medianDaysLate);
  });

  it('leaves the same invoice alone while its due date is still ahead', () => {
    const before = predictor.predict({ invoice: target, history: [...history, target], asOf: target.issueDate });
    expect(before.value.p50).toBe(before.value.distribution.dueDate);
    expect(before.reasons.some((r) => r.factor === 'missedDueDate')).toBe(false);
  });
});

describe('when no pile shows on the due date', () => {
  it('has no atom, and its artifact the columns of artifacts trained before atoms existed', () => {
    const state = trainedState();
    expect(state.features.dueDayAtom).toBeUndefined();
    expect(state.atom).toBeUndefined();
    expect(state.columns).not.toContain('dueDayShare');
    expect(state.columns).toEqual(featureColumns({ ...state.features, dueDayAtom: undefined }));
  });
});

/** Four of five customers pay 5 days early, one in five 20 days late, each within ±2 days. */
function mixedBook(from: number, customers: number): InvoiceRecord[] {
  return Array.from({ length: customers }, (_, k) => {
    const c = from + k;
    const habit = c % 5 === 0 ? 20 : -5;
    return Array.from({ length: 4 }, (_, i) => {
      const issueDate = addDays('2024-01-01', (c % 60) + i * 20);
      return invoice({ customerId: `M${c}`, segment: 'FR', issueDate, settledDate: addDays(issueDate, 30 + habit + ((c + i) % 5) - 2) });
    });
  }).flat();
}

describe('when a customer has not paid a single invoice yet', () => {
  const state = fit(mixedBook(0, 400));
  const predictor = new PaymentDelayPredictor(state);

  it('draws their payment date from a shape of its own, fitted on the book\'s first invoices', () => {
    expect(state.depthShapes?.[0].maxHistory).toBe(0);
  });

  it('gives their first invoice the late probability new customers turned out to have', () => {
    const newcomers = mixedBook(1000, 100).filter((inv) => Number(inv.customerId.slice(1)) >= 1000);
    const first = newcomers.filter((_, i) => i % 4 === 0);
    const mean = first.reduce((a, target) => a + predictor.predict({ invoice: target, history: [target], asOf: target.issueDate }).value.lateProbability, 0) / first.length;
    expect(mean).toBeGreaterThan(0.12);
    expect(mean).toBeLessThan(0.28);
  });
});
