import { describe, expect, it } from 'vitest';
import { auc, calibration, macroF1 } from '../../../src/ml/payment-delay/metrics.js';

describe('when ranking scores against outcomes', () => {
  it('gives 1 for a perfect ranking, 0 for a reversed one and 0.5 for all ties', () => {
    const y = [false, false, true, true];
    expect(auc([0.1, 0.2, 0.8, 0.9], y)).toBe(1);
    expect(auc([0.9, 0.8, 0.2, 0.1], y)).toBe(0);
    expect(auc([0.5, 0.5, 0.5, 0.5], y)).toBe(0.5);
  });

  // A sort by a comparator that returns NaN leaves any order: a finite AUC of it would rank a broken model.
  it('is not measured (NaN) when a score is not a finite number, so such a model is never promoted on it', () => {
    const y = [false, false, true, true];
    expect(auc([0.1, NaN, 0.8, 0.9], y)).toBeNaN();
    expect(auc([0.1, 0.2, Infinity, 0.9], y)).toBeNaN();
  });
});

describe('when classes are predicted', () => {
  it('averages the F1 of each class', () => {
    // class 0: tp 1, fp 1, fn 0 → 2/3; class 1: tp 1, fp 0, fn 1 → 2/3
    expect(macroF1([0, 0, 1], [0, 1, 1], 2)).toBeCloseTo(2 / 3, 12);
  });
});

describe('when probabilities are binned', () => {
  it('measures the gap between predicted and observed rates', () => {
    const { ece, bins } = calibration([0.25, 0.25, 0.25, 0.25], [true, false, false, false]);
    expect(ece).toBe(0);
    const off = calibration([0.95, 0.95], [false, false]);
    expect(off.ece).toBeCloseTo(0.95, 12);
    expect(bins).toHaveLength(1);
  });
});
