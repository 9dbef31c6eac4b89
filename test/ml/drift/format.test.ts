import { describe, expect, it } from 'vitest';
import { daysLateList, range } from '../../../src/ml/drift/format.js';

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

describe("when a reason gives the range of a customer's usual delays", () => {
  it('keeps "7-10" for late payers, whose median already says "days late"', () => {
    expect(range(7, 10)).toBe('7-10');
    expect(range(0, 3)).toBe('0-3');
  });

  it('says "days early" for early payers instead of negative numbers', () => {
    expect(range(-6, -3)).toBe('3-6 days early');
    expect(range(-6, 0)).toBe('6 days early to the due date');
    expect(range(-4, -4)).toBe('4 days early');
  });

  it('names both sides when the range straddles the due date', () => {
    expect(range(-3, 2)).toBe('3 days early to 2 days late');
  });
});
