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
