import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitRidge, gramOf, predictLinear, solveRidge } from '../../../src/ml/payment-delay/linear.js';

/** y = 2 + 3·a − 1·b + noise, with a third column unrelated to y. */
function table(rows = 200) {
  const a = fc.sample(fc.double({ min: -5, max: 5, noNaN: true }), { seed: 1, numRuns: rows });
  const b = fc.sample(fc.double({ min: 0, max: 10, noNaN: true }), { seed: 2, numRuns: rows });
  const c = fc.sample(fc.double({ min: -1, max: 1, noNaN: true }), { seed: 3, numRuns: rows });
  const noise = fc.sample(fc.double({ min: -0.5, max: 0.5, noNaN: true }), { seed: 4, numRuns: rows });
  const values = new Float64Array(rows * 3);
  const target = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    values.set([a[r], b[r], c[r]], r * 3);
    target[r] = 2 + 3 * a[r] - b[r] + noise[r];
  }
  const columns = ['a', 'b', 'c'].map((name, index) => ({ name, index }));
  return { values, width: 3, rows, columns, target };
}

const rawWeight = (model: ReturnType<typeof fitRidge>, name: string): number => {
  const j = model.names.indexOf(name);
  return model.weights[j] / model.scales[j];
};

describe('when the penalty is tiny', () => {
  it('recovers the least-squares weights', () => {
    const model = fitRidge({ ...table(), lambda: 1e-9 });
    expect(rawWeight(model, 'a')).toBeCloseTo(3, 1);
    expect(rawWeight(model, 'b')).toBeCloseTo(-1, 1);
  });
});

describe('when the penalty is large', () => {
  it('shrinks every weight towards 0', () => {
    const model = fitRidge({ ...table(), lambda: 1e6 });
    for (const name of ['a', 'b', 'c']) expect(Math.abs(rawWeight(model, name))).toBeLessThan(1e-3);
  });
});

describe('when a subset of the columns is solved from the shared Gram matrix', () => {
  it('gives the same model as a fit on those columns alone', () => {
    const data = table();
    const gram = gramOf(data);
    const subset = solveRidge(gram, 0.01, [0, 2]);
    const alone = fitRidge({ ...data, columns: [data.columns[0], data.columns[2]], lambda: 0.01 });
    expect(subset.names).toEqual(['a', 'c']);
    const row = Float64Array.of(1.5, 3, -0.5);
    expect(predictLinear(subset, row)).toBeCloseTo(predictLinear(alone, row), 9);
  });
});
