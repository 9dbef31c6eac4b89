import { describe, expect, it } from 'vitest';
import { fitShape, OffsetDistribution } from '../../../src/ml/payment-delay/distribution.js';
import {
  CALIBRATION_LEVELS,
  calibratedLevel,
  calibrationAt,
  fitOverdueCalibration,
  overduePit,
  uncalibratedToLevel,
} from '../../../src/ml/payment-delay/overdue-calibration.js';

const normalish = fitShape(Float64Array.from({ length: 2001 }, (_, i) => Math.tan(Math.PI * ((i + 0.5) / 2001 - 0.5)) / 8));
const identity = CALIBRATION_LEVELS.slice();
const standard = new OffsetDistribution(0, 1, normalish, -1e9);

/** PITs of invoices forecast at location 5, scale 32, paid on day 5 + 32 × spread × z, rounded (z spread like the shape). */
function pits(spread: number, n = 4000) {
  const offsets = Array.from({ length: n }, (_, i) => Math.round(5 + 32 * spread * standard.quantile((i + 0.5) / n)));
  return (age: number) => offsets.filter((x) => x >= age).map((x, k) => overduePit(new OffsetDistribution(5, 32, normalish, age - 0.5), x, k));
}

describe('when the forecast of overdue invoices is as wide as their payments', () => {
  it('leaves it about as it is', () => {
    const c = fitOverdueCalibration(pits(1))!;
    for (const map of c.maps) for (const [j, v] of map.entries()) expect(Math.abs(v - identity[j])).toBeLessThan(0.03);
  });
});

describe('when invoices still unpaid are paid later than their forecast says', () => {
  const c = fitOverdueCalibration(pits(2.5))!;

  it('reads the truncated forecast at higher levels: later dates, a later P90', () => {
    const map = calibrationAt(c, 10)!;
    expect(calibratedLevel(map, 0.9)).toBeGreaterThan(0.93);
    const plain = new OffsetDistribution(5, 32, normalish, 9.5);
    const calibrated = new OffsetDistribution(5, 32, normalish, 9.5, null, null, map);
    expect(calibrated.quantile(0.9)).toBeGreaterThan(plain.quantile(0.9));
    expect(calibrated.mean(0)).toBeGreaterThan(plain.mean(0));
  });

  it('keeps the quantile function and the CDF inverse of each other', () => {
    const d = new OffsetDistribution(5, 32, normalish, 9.5, null, null, calibrationAt(c, 10));
    for (const p of [0.1, 0.5, 0.9]) expect(d.cdf(d.quantile(p))).toBeCloseTo(p, 4);
  });

  it('is not applied to an invoice not yet overdue', () => {
    expect(calibrationAt(c, 0)).toBeNull();
  });
});

describe('a recalibration map', () => {
  const map = [0, 0.02, 0.1, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.96, 0.99, 1];

  it('is inverted by uncalibratedToLevel', () => {
    for (const p of [0, 0.03, 0.5, 0.77, 1]) expect(uncalibratedToLevel(map, calibratedLevel(map, p))).toBeCloseTo(p, 9);
  });

  it('gives, through the identity, the distribution as it was, mean included', () => {
    const plain = new OffsetDistribution(5, 4, normalish, 12.5);
    const same = new OffsetDistribution(5, 4, normalish, 12.5, null, null, identity);
    for (const p of [0.1, 0.5, 0.9]) expect(same.quantile(p)).toBeCloseTo(plain.quantile(p), 6);
    expect(same.mean(0)).toBeCloseTo(plain.mean(0), 1);
  });
});

describe('far beyond anything the shape has seen', () => {
  it('keeps the calibrated forecast ordered, inverting its CDF, with its mean above the bound', () => {
    const later = CALIBRATION_LEVELS.map((p, j) => (j === 0 || j === CALIBRATION_LEVELS.length - 1 ? p : Math.min(0.99, p + 0.08)));
    for (const lower of [50, 400, 2000, 2400.5, 2431.5, 2432.5, 5000]) {
      const d = new OffsetDistribution(0, 1, normalish, lower, null, null, later);
      const q = [0.1, 0.5, 0.9].map((p) => d.quantile(p));
      expect(q[0] < q[1] && q[1] < q[2], `lower ${lower}: ${q}`).toBe(true);
      expect(d.cdf(q[2]), `lower ${lower}`).toBeCloseTo(0.9, 2);
      expect(d.mean(0)).toBeGreaterThan(lower);
    }
  });
});
