import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  areaUnderRoc, averagePrecision, aucOverTime, calibrationBins, expectedCalibrationError, prCurve, rocCurve, thin,
} from '../../../src/ml/reports/curves.js';
import { auc as rankAuc } from '../../../src/ml/payment-delay/metrics.js';

const scored = fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean()), { minLength: 2, maxLength: 200 })
  .filter((xs) => xs.some(([, l]) => l) && xs.some(([, l]) => !l));

describe('when the ROC curve is drawn', () => {
  it('has the area the rank statistic gives, ties included', () => {
    fc.assert(fc.property(scored, (xs) => {
      const s = xs.map(([v]) => v / 20);
      const l = xs.map(([, b]) => b);
      expect(areaUnderRoc(rocCurve(s, l))).toBeCloseTo(rankAuc(s, l), 10);
    }));
  });

  it('runs from (0,0) to (1,1)', () => {
    const points = rocCurve([0.9, 0.1, 0.5, 0.4], [true, false, true, false]);
    expect(points[0]).toMatchObject({ fpr: 0, tpr: 0 });
    expect(points.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
  });

  // A NaN equals no score, itself included: the sweep over tied scores never moved past it and
  // filled memory until the process died, on the training that renders the version's report.
  it('is empty, and returns, when a score is not a number (such a model ranks nothing)', () => {
    const label = [true, false, true, false];
    expect(rocCurve([0.9, NaN, 0.5, 0.4], label)).toEqual([]);
    expect(prCurve([NaN, NaN, NaN, NaN], label)).toEqual([]);
    expect(areaUnderRoc(rocCurve([0.9, NaN, 0.5, 0.4], label))).toBeNaN();
  });

  it('is empty without both outcomes', () => {
    expect(rocCurve([0.2, 0.3], [true, true])).toEqual([]);
    expect(areaUnderRoc([])).toBeNaN();
  });
});

describe('when precision and recall are computed', () => {
  it('gives an average precision of 1 to a perfect ranking', () => {
    expect(averagePrecision(prCurve([0.9, 0.8, 0.2, 0.1], [true, true, false, false]))).toBe(1);
  });

  it('ends at the base rate when everything is flagged', () => {
    const points = prCurve([0.9, 0.8, 0.2, 0.1], [true, false, false, false]);
    expect(points.at(-1)).toMatchObject({ recall: 1, precision: 0.25 });
  });
});

describe('when calibration is measured', () => {
  it('finds no error when outcomes follow the probabilities exactly', () => {
    const score = [0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75];
    const label = [true, false, false, false, true, true, true, false];
    const bins = calibrationBins(score, label);
    expect(bins).toEqual([{ predicted: 0.25, observed: 0.25, n: 4 }, { predicted: 0.75, observed: 0.75, n: 4 }]);
    expect(expectedCalibrationError(bins)).toBe(0);
  });

  it('measures the gap of an overconfident model', () => {
    const bins = calibrationBins([0.9, 0.9, 0.9, 0.9], [true, false, true, false]);
    expect(expectedCalibrationError(bins)).toBeCloseTo(0.4, 10);
  });

  it('puts a probability of 1 in the last bin', () => {
    expect(calibrationBins([1, 1], [true, true])).toEqual([{ predicted: 1, observed: 1, n: 2 }]);
  });
});

describe('when AUC is backtested by month', () => {
  it('gives one point per month with enough rows, in order', () => {
    const period = [...Array(30).fill('2026-02'), ...Array(30).fill('2026-01'), ...Array(5).fill('2026-03')];
    const score = period.map((_, i) => (i % 2 ? 0.8 : 0.2));
    const label = period.map((_, i) => i % 2 === 1);
    const o = aucOverTime(score, label, period);
    expect(o.points.map((p) => [p.period, p.value, p.n])).toEqual([['2026-01', 1, 30], ['2026-02', 1, 30]]);
  });
});

describe('when a curve has many points', () => {
  it('keeps the first and the last', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    const t = thin(xs, 50);
    expect(t).toHaveLength(50);
    expect([t[0], t.at(-1)]).toEqual([0, 999]);
  });
});
