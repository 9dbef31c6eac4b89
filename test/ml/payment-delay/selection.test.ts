import { describe, expect, it } from 'vitest';
import type { FeatureTable } from '../../../src/ml/payment-delay/features.js';
import { clearlyBetter, selectColumnGroups } from '../../../src/ml/payment-delay/selection.js';
import { mulberry32 } from '../../../src/util/random.js';

const COLUMNS = ['level', 'signal', 'noise1', 'noise2'];

/** Truth: y = level + 4·signal + N(0, 1); noise1 and noise2 are unrelated to y. */
function sample(rows: number, seed: number): { table: FeatureTable; target: Float64Array } {
  const random = mulberry32(seed);
  const uniform = (): number => 2 * random() - 1;
  const values = new Float64Array(rows * COLUMNS.length);
  const target = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const [level, signal, noise1, noise2] = [10 * uniform(), uniform(), uniform(), uniform()];
    values.set([level, signal, noise1, noise2], r * COLUMNS.length);
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    target[r] = level + 4 * signal + normal;
  }
  return { table: { columns: COLUMNS, rows, values }, target };
}

function holdOut(rows: number) {
  const train = sample(rows, 10);
  const test = sample(rows, 20);
  return { train: train.table, trainTarget: train.target, test: test.table, testTarget: test.target, lambda: 1e-3 };
}

const core = { name: 'core', columns: ['level'] };
const candidates = [
  { name: 'signal', columns: ['signal'] },
  { name: 'noise', columns: ['noise1', 'noise2'] },
];

describe('when one candidate group carries signal and another only noise', () => {
  it('adds the signal group and leaves the noise out', () => {
    const selection = selectColumnGroups(holdOut(400), core, candidates);
    expect(selection.groups).toEqual(['core', 'signal']);
    expect(selection.holdOutRmse).toBeLessThan(selection.holdOutRmseCore);
    expect(selection.holdOutRmse).toBeLessThan(1.2);
  });
});

describe('when the hold-out is too small to tell the groups apart', () => {
  it('keeps the core model alone', () => {
    // One hold-out row: no standard error to clear, so the rule keeps the simpler model.
    const data = holdOut(400);
    const tiny = { ...data, test: { ...data.test, rows: 1, values: data.test.values.subarray(0, COLUMNS.length) }, testTarget: data.testTarget.subarray(0, 1) };
    expect(selectColumnGroups(tiny, core, candidates).groups).toEqual(['core']);
  });
});

describe('when two models are compared on the same rows', () => {
  it('calls one clearly better only beyond two standard errors of the paired difference', () => {
    const incumbent = Float64Array.from({ length: 100 }, (_, i) => 1 + (i % 2));
    expect(clearlyBetter(incumbent.map((e) => e - 0.5), incumbent)).toBe(true);
    // Better on half the rows, worse on the other half by as much: no clear gain.
    expect(clearlyBetter(incumbent.map((e, i) => (i % 2 ? e - 1 : e + 0.98)), incumbent)).toBe(false);
  });
});
