import { describe, expect, it } from 'vitest';
import { expectedCashByWeek, quantileCdf } from '../../../src/ml/payment-delay/cash-forecast.js';
import { QUANTILE_LEVELS } from '../../../src/ml/payment-delay/types.js';

const flat = (days: number) => QUANTILE_LEVELS.map(() => days);
const spread = (from: number) => QUANTILE_LEVELS.map((_, i) => from + 2 * i);

describe('when open invoices have payment-date distributions', () => {
  it('spreads every amount over the weeks and after the horizon, losing nothing', () => {
    const forecast = expectedCashByWeek(
      [
        { amount: 1000, distribution: { dueDate: '2024-03-01', daysAfterDue: spread(0) } },
        { amount: 250, distribution: { dueDate: '2024-03-20', daysAfterDue: spread(10) } },
      ],
      { from: '2024-02-26', weeks: 4 },
    );
    const inWeeks = forecast.weeks.reduce((s, w) => s + w.expectedAmount, 0);
    expect(inWeeks + forecast.afterHorizon).toBeCloseTo(1250, 9);
    expect(forecast.afterHorizon).toBeGreaterThan(0);
  });

  it('books a sure payment in the week of its date', () => {
    const { weeks } = expectedCashByWeek([{ amount: 500, distribution: { dueDate: '2024-03-08', daysAfterDue: flat(5) } }], { from: '2024-03-04', weeks: 3 });
    expect(weeks.map((w) => w.expectedAmount)).toEqual([0, 500, 0]);
    expect(weeks[1]).toMatchObject({ weekStart: '2024-03-11', weekEnd: '2024-03-17' });
  });

  it('counts what the distribution put before the first week in the first week', () => {
    const { weeks } = expectedCashByWeek([{ amount: 80, distribution: { dueDate: '2024-01-01', daysAfterDue: flat(3) } }], { from: '2024-03-04', weeks: 2 });
    expect(weeks[0].expectedAmount).toBe(80);
  });
});

describe('when a distribution is read between its quantiles', () => {
  it('returns the stored levels at the stored points', () => {
    const q = spread(0);
    QUANTILE_LEVELS.forEach((p, i) => expect(quantileCdf(q, q[i])).toBeCloseTo(p, 12));
  });
});
