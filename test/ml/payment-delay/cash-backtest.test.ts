import { describe, expect, it } from 'vitest';
import { PaymentDelayPredictor } from '../../../src/ml/payment-delay/predictor.js';
import { cashBacktest, mondays } from '../../../training/payment-delay/cash-backtest.js';
import { portfolio, trainedState } from './factories.js';

describe('the cash-per-week backtest', () => {
  // Customers from 8 days early to 20 days late, each with a habit the model learns.
  const book = portfolio();
  const predictor = new PaymentDelayPredictor(trainedState());
  const options = { issuedFrom: '2023-07-01', asOfDates: mondays('2023-09-01', '2023-12-01') };

  it('counts only the cash the open invoices brought in within the horizon, and beats paying on the due date', () => {
    const r = cashBacktest(predictor, book, options);
    expect(r.asOfDates).toBe(13);
    expect(r.actual).toBeGreaterThan(0);
    // Habitually early and late payers are what a due-date forecast gets wrong and the model knows.
    expect(r.wape).toBeLessThan(r.wapeDueDate);
    expect(r.wape).toBeLessThan(0.5);
  });

  it('reads no invoice issued before the test period', () => {
    const later = cashBacktest(predictor, book, { ...options, issuedFrom: '2099-01-01' });
    expect(later.actual).toBe(0);
  });

  it('lists the Mondays of a period', () => {
    expect(mondays('2026-11-04', '2026-11-24')).toEqual(['2026-11-09', '2026-11-16', '2026-11-23']);
  });
});
