import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKnownZone, localClock, parseInstant } from '../../../src/ml/send-time/index.js';

const at = (iso: string) => Date.parse(iso);

describe('when reading a timestamp on the customer clock', () => {
  it('gives 9 am in New York for 14:00 UTC in January (UTC−5)', () => {
    const c = localClock('America/New_York', at('2025-01-06T14:00:00Z'));
    expect(c.hour).toBe(9);
    expect(c.weekday).toBe(1);
  });

  it('gives 9 am in Paris for 07:00 UTC in July (UTC+2)', () => {
    expect(localClock('Europe/Paris', at('2025-07-07T07:00:00Z')).hour).toBe(9);
  });

  it('is exact on both sides of a daylight-saving switch', () => {
    // New York springs forward at 2 am local on 2025-03-09 (07:00 UTC).
    expect(localClock('America/New_York', at('2025-03-09T06:30:00Z')).hour).toBe(1.5);
    expect(localClock('America/New_York', at('2025-03-09T07:30:00Z')).hour).toBe(3.5);
  });

  it('moves to the previous local day when UTC is already tomorrow', () => {
    const c = localClock('America/Los_Angeles', at('2025-01-07T03:00:00Z'));
    expect(c.hour).toBe(19);
    expect(c.weekday).toBe(1);
  });

  it('knows which zones it cannot read', () => {
    expect(isKnownZone('Europe/Paris')).toBe(true);
    expect(isKnownZone('Mars/Olympus_Mons')).toBe(false);
    expect(isKnownZone(null)).toBe(false);
  });
});

describe('when parsing ISO 8601 text', () => {
  it('agrees with Date.parse on dates and timestamps with any offset and precision', () => {
    const stamp = fc
      .record({
        ms: fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) }),
        shape: fc.constantFrom('date', 'minutes', 'seconds', 'millis', 'offset'),
        offset: fc.integer({ min: -12 * 60, max: 14 * 60 }),
      })
      .map(({ ms, shape, offset }) => {
        const full = new Date(ms).toISOString();
        if (shape === 'date') return full.slice(0, 10);
        if (shape === 'minutes') return `${full.slice(0, 16)}Z`;
        if (shape === 'seconds') return `${full.slice(0, 19)}Z`;
        if (shape === 'millis') return full;
        const sign = offset < 0 ? '-' : '+';
        const abs = Math.abs(offset);
        return `${full.slice(0, 19)}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
      });
    fc.assert(fc.property(stamp, (text) => parseInstant(text) === Date.parse(text)), { numRuns: 500 });
  });

  it('returns null for missing or unreadable text', () => {
    expect(parseInstant(null)).toBeNull();
    expect(parseInstant('')).toBeNull();
    expect(parseInstant('next tuesday')).toBeNull();
  });
});
