import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayOf, wholeDayOf } from '../../../src/ml/drift/dates.js';

describe('when reading dates and timestamps', () => {
  it('counts whole days like Date.UTC for any date', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01'), max: new Date('2200-12-31'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString().slice(0, 10);
        expect(dayOf(iso)).toBe(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
      }),
    );
  });

  it('reads timestamps with Z, offsets, seconds and fractions like Date.parse', () => {
    for (const s of [
      '2025-03-04T09:12:00Z',
      '2025-03-04T09:12Z',
      '2025-03-04T09:12:30.250Z',
      '2025-03-04T23:30:00-05:00',
      '2025-03-04T00:15:00+02:00',
      '2024-02-29T12:00:00.1+05:30',
    ]) {
      expect(dayOf(s), s).toBeCloseTo(Date.parse(s) / 86_400_000, 9);
    }
  });

  it('falls back for other shapes and refuses what is not a date', () => {
    expect(dayOf('2025-03-04T09:12:00.000+0100')).toBeCloseTo(Date.parse('2025-03-04T09:12:00.000+0100') / 86_400_000, 9);
    expect(() => dayOf('yesterday')).toThrow(/not a date/);
  });
});

describe('when only the day of a date or timestamp is wanted', () => {
  it('floors it as dayOf does, the day of an offset moved by the offset', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01'), max: new Date('2200-12-31'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString();
        expect(wholeDayOf(iso)).toBe(Math.floor(dayOf(iso)));
        expect(wholeDayOf(iso.slice(0, 10))).toBe(dayOf(iso.slice(0, 10)));
      }),
    );
    expect(wholeDayOf('2025-03-04T23:30:00-05:00')).toBe(dayOf('2025-03-05'));
    expect(wholeDayOf('2025-03-04T00:15:00+02:00')).toBe(dayOf('2025-03-03'));
  });

  it('reads an hour past 23 as dayOf does, and refuses what is not a date', () => {
    expect(wholeDayOf('2025-03-04T24:30:00Z')).toBe(Math.floor(dayOf('2025-03-04T24:30:00Z')));
    expect(() => wholeDayOf('yesterday')).toThrow(/not a date/);
  });
});
