import { describe, expect, it } from 'vitest';
import { addDays } from '../../../src/ml/payment-delay/dates.js';
import { groupNoiseFloor } from '../../../training/payment-delay/baselines.js';
import { invoice } from './factories.js';

const settled = (customerId: string, daysToSettle: number, extra: Parameters<typeof invoice>[0] = {}) =>
  invoice({ customerId, issueDate: '2024-03-01', settledDate: addDays('2024-03-01', daysToSettle), ...extra });

describe('groupNoiseFloor', () => {
  it('is zero when every customer x disputed x paper group pays on one fixed day, however far apart the groups are', () => {
    const all = [
      settled('A', 10), settled('A', 10),
      settled('A', 40, { disputed: true }), settled('A', 40, { disputed: true }),
      settled('B', 25, { paperless: false }), settled('B', 25, { paperless: false }),
    ];
    expect(groupNoiseFloor(all)).toEqual({ rmseDaysToSettle: 0, groups: 3 });
  });

  it('pools the spread within groups with one degree of freedom per group', () => {
    // Group A: 10 and 14 (squares 4 + 4); group B: 20, 22, 24 (4 + 0 + 4); 5 invoices - 2 groups.
    const all = [settled('A', 10), settled('A', 14), settled('B', 20), settled('B', 22), settled('B', 24)];
    const floor = groupNoiseFloor(all);
    expect(floor.groups).toBe(2);
    expect(floor.rmseDaysToSettle).toBeCloseTo(Math.sqrt(16 / 3), 10);
  });
});
