import { describe, expect, it } from 'vitest';
import { daysLateList } from '../../../src/ml/drift/format.js';

describe('when a reason lists the latest delays', () => {
  it('says "days late" once when every invoice was late', () => {
    expect(daysLateList([15, 16, 18])).toBe('15, 16, 18 days late');
  });

  it('says "days early" for early payments instead of negative days late', () => {
    expect(daysLateList([-6, -20, -34])).toBe('6, 20, 34 days early');
  });

  it('gives each its own words when they straddle the due date', () => {
    expect(daysLateList([-3, 0, 5])).toBe('3 days early, on the due date, 5 days late');
  });
});
