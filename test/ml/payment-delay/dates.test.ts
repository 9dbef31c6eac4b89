import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayOf, isoOfDay } from '../../../src/ml/payment-delay/dates.js';

describe('when dates are turned into day numbers', () => {
  it('agrees with the JavaScript calendar and round-trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: -50_000, max: 50_000 }), (day) => {
        const iso = new Date(day * 86_400_000).toISOString().slice(0, 10);
        expect(dayOf(iso)).toBe(day);
        expect(isoOfDay(day)).toBe(iso);
      }),
    );
  });

  it('refuses anything but YYYY-MM-DD', () => {
    for (const bad of ['2024-1-05', '05/01/2024', '2024-13-01', '']) expect(() => dayOf(bad)).toThrow(/date/);
  });
});
