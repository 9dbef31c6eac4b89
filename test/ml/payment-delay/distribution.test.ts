import { describe, expect, it } from 'vitest';
import { fitShape, OffsetDistribution, SHAPE_LEVELS } from '../../../src/ml/payment-delay/distribution.js';

/** Standard-normal-like shape from evenly spread probabilities (known quantiles). */
const shape = fitShape(Float64Array.from({ length: 2001 }, (_, i) => Math.tan(Math.PI * ((i + 0.5) / 2001 - 0.5)) / 8));

describe('when nothing conditions the distribution', () => {
  it('has a quantile function that inverts its CDF', () => {
    const d = new OffsetDistribution(5, 4, shape, -100);
    for (const p of [0.05, 0.25, 0.5, 0.75, 0.95]) expect(d.cdf(d.quantile(p))).toBeCloseTo(p, 6);
  });

  it('stores one shape quantile per level', () => {
    expect(shape).toHaveLength(SHAPE_LEVELS.length);
  });
});

describe('when the invoice cannot be paid before a date', () => {
  it('puts no mass before it', () => {
    const d = new OffsetDistribution(0, 4, shape, 10);
    expect(d.cdf(10)).toBe(0);
    expect(d.quantile(0.01)).toBeGreaterThanOrEqual(10);
  });

  it('stays finite and ordered far beyond anything seen', () => {
    const d = new OffsetDistribution(0, 2, shape, 400);
    const q = [0.1, 0.5, 0.9].map((p) => d.quantile(p));
    expect(q.every(Number.isFinite)).toBe(true);
    expect(q[0]).toBeGreaterThanOrEqual(400);
    expect(q[0] <= q[1] && q[1] <= q[2]).toBe(true);
  });
});

describe('when a promise to pay is surely kept', () => {
  it('puts the median inside the promise window', () => {
    const d = new OffsetDistribution(30, 5, shape, 0, { offset: 10, keptProbability: 1, graceDays: 2 });
    expect(d.quantile(0.5)).toBeGreaterThanOrEqual(7);
    expect(d.quantile(0.5)).toBeLessThanOrEqual(13);
  });
});

describe('when the mean of a truncated distribution is computed in closed form', () => {
  it('matches the average of its quantiles', () => {
    for (const lower of [-3, 2, 9]) {
      const d = new OffsetDistribution(4, 3, shape, lower);
      const m = 4000;
      let numeric = 0;
      for (let i = 0; i < m; i++) numeric += d.quantile((i + 0.5) / m);
      expect(d.mean(0)).toBeCloseTo(numeric / m, 1);
    }
  });
});

describe('when payments pile up on the due date (an atom)', () => {
  const atom = { probability: 0.8, offset: 0 };

  it('jumps by the atom at the due date and keeps the smooth part either side', () => {
    const d = new OffsetDistribution(5, 4, shape, -100, null, atom);
    const smooth = new OffsetDistribution(5, 4, shape, -100);
    // The smooth part's far-left tail is ruled out by the lower bound: a hair more for the atom.
    const w = d.atomWeight;
    expect(w).toBeCloseTo(0.8, 3);
    expect(d.cdf(0) - d.cdf(-1e-9)).toBeCloseTo(w, 6);
    expect(d.cdf(-3)).toBeCloseTo((1 - w) * smooth.cdf(-3), 9);
    expect(d.cdf(9)).toBeCloseTo(w + (1 - w) * smooth.cdf(9), 9);
  });

  it('gives the due date for the levels the atom covers and inverts the CDF elsewhere', () => {
    const d = new OffsetDistribution(5, 4, shape, -100, null, atom);
    const below = d.cdf(-1e-9);
    expect(d.quantile(below + 0.4)).toBe(0);
    for (const p of [below / 2, 0.95, 0.99]) expect(d.cdf(d.quantile(p))).toBeCloseTo(p, 6);
  });

  it('has the mixture mean', () => {
    const d = new OffsetDistribution(5, 4, shape, -100, null, atom);
    expect(d.mean(0)).toBeCloseTo((1 - d.atomWeight) * new OffsetDistribution(5, 4, shape, -100).mean(0), 9);
  });

  it('sits on the Friday before a due date that falls on a weekend', () => {
    const d = new OffsetDistribution(5, 4, shape, -100, null, { probability: 0.8, offset: -2 });
    expect(d.cdf(-2) - d.cdf(-2 - 1e-9)).toBeCloseTo(d.atomWeight, 6);
    expect(d.quantile(0.5)).toBe(-2);
  });

  it('is gone once the invoice is still unpaid after that day', () => {
    const d = new OffsetDistribution(5, 4, shape, 2.5, null, atom);
    expect(d.atomWeight).toBe(0);
    expect(d.cdf(3)).toBeCloseTo(new OffsetDistribution(5, 4, shape, 2.5).cdf(3), 12);
  });

  it('grows when the scoring date leaves only the due date and later', () => {
    // Scored on the due date, unpaid so far: most of the smooth part's early mass is ruled out.
    const d = new OffsetDistribution(-5, 2, shape, -0.5, null, atom);
    expect(d.atomWeight).toBeGreaterThan(0.8);
    expect(d.cdf(0.5)).toBeGreaterThan(0.8);
  });

  it('gives way to a promise to pay', () => {
    const d = new OffsetDistribution(30, 5, shape, 0, { offset: 10, keptProbability: 1, graceDays: 2 }, { probability: 0.9, offset: 0 });
    expect(d.atomWeight).toBe(0);
  });
});

describe('when the habit says how invoices that missed the due date were paid', () => {
  // Missed debits: collected again 8-12 days after the due date, evenly.
  const missedShape = fitShape(Float64Array.from({ length: 2001 }, (_, i) => 8 + (4 * i) / 2000));
  const missed = { shape: missedShape, shapeMean: 10 };
  const atom = { probability: 0.9, offset: 0, missed };

  it('changes nothing while the due date is ahead but the small part off the due date', () => {
    const d = new OffsetDistribution(1, 1, shape, -100, null, atom);
    expect(d.atomWeight).toBeCloseTo(0.9, 3);
    expect(d.quantile(0.5)).toBe(0);
  });

  it('once the due date has passed unpaid, expects the payment when missed ones were paid', () => {
    // The smooth part (around day 1, scale 1) alone would say "tomorrow".
    const d = new OffsetDistribution(1, 1, shape, 2.5, null, atom);
    expect(d.atomWeight).toBe(0);
    expect(d.missedWeight).toBeGreaterThan(0.99);
    expect(d.quantile(0.5)).toBeCloseTo(10, 0);
    expect(new OffsetDistribution(1, 1, shape, 2.5).quantile(0.5)).toBeLessThan(5);
  });

  it('has a quantile function that inverts its CDF and a mean that matches its quantiles', () => {
    for (const lower of [-100, -0.5, 2.5, 9.5]) {
      const d = new OffsetDistribution(3, 4, shape, lower, null, { ...atom, probability: 0.6 });
      for (const p of [0.05, 0.3, 0.7, 0.95]) {
        const x = d.quantile(p);
        if (x !== 0) expect(d.cdf(x)).toBeCloseTo(p, 5);
      }
      const m = 4000;
      let numeric = 0;
      for (let i = 0; i < m; i++) numeric += d.quantile((i + 0.5) / m);
      expect(d.mean(0)).toBeCloseTo(numeric / m, 1);
    }
  });
});
