import { describe, it, expect } from 'vitest';
import { customerDelayFields, type InvoiceForecast } from '../../src/scoring/fields-from-models.js';
import type { PaymentDelayForecast } from '../../src/ml/payment-delay/index.js';

// A long right tail: the median is 5 days late, the mean 12.
const forecast = (openAmount: number, expectedDaysAfterDue: number, median: number, currency = 'EUR'): InvoiceForecast => ({
  invoiceId: 1,
  customerId: 1,
  openAmount,
  currency,
  prediction: {
    value: {
      lateProbability: 0.8,
      probabilities: { onTime: 0.2, late1to30: 0.6, lateOver30: 0.2 },
      expectedDaysAfterDue,
      distribution: { daysAfterDue: [-2, 0, 1, 2, 3, median, 8, 12, 20, 35, 60] },
    } as unknown as PaymentDelayForecast,
    confidence: 0.7,
    reasons: [],
  },
});

describe("a customer's expected days late", () => {
  const value = (open: InvoiceForecast[]) => customerDelayFields(1, open, 'v').find((r) => r.name === 'expectedDaysLate')!.value;

  it("is the mean its invoices' expected payment dates stand for, not their median", () => {
    expect(value([forecast(100, 12, 5)])).toBe(12);
  });

  it('weighs invoices by open amount and counts an early forecast as on time', () => {
    expect(value([forecast(300, 12, 5), forecast(100, -4, -4)])).toBe(9);
  });

  it('weighs amounts within their own currency, each currency by its number of invoices', () => {
    // 150,000 JPY is no heavier than 1,000 EUR: one invoice each, so the mean of 12 and 0.
    expect(value([forecast(1000, 12, 5), forecast(150_000, -4, -4, 'JPY')])).toBe(6);
    expect(value([forecast(300, 12, 5), forecast(100, -4, -4), forecast(150_000, 0, 0, 'JPY')])).toBe(6);
  });
});
