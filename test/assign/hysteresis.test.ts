// The looser criteria that keep a customer inside a rule.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileInMemory, parseCriteria } from '../../src/criteria/index.js';
import { CUSTOMER_FIELDS } from '../../src/fields/registry.js';
import { keepCriteria } from '../../src/assign/hysteresis.js';

const margins = { driftScore: 0.05, lateProbability: 0.1 };
const keep = (criteria: unknown) => {
  const k = keepCriteria(parseCriteria(criteria, CUSTOMER_FIELDS), margins);
  return k && compileInMemory(k);
};

describe('when a rule compares a model output with a threshold', () => {
  it('keeps members until the value crosses the threshold by the margin', () => {
    const k = keep({ '>': [{ var: 'driftScore' }, 0.7] })!;
    expect(k({ driftScore: 0.66 })).toBe(true);
    expect(k({ driftScore: 0.65 })).toBe(false);
  });

  it('moves the threshold the other way under a negation', () => {
    const k = keep({ '!': { '>': [{ var: 'driftScore' }, 0.7] } })!;
    expect(k({ driftScore: 0.75 })).toBe(true);
    expect(k({ driftScore: 0.751 })).toBe(false);
  });

  it('widens both bounds of a between', () => {
    const k = keep({ '<': [0.3, { var: 'driftScore' }, 0.6] })!;
    expect([0.26, 0.64].map((v) => k({ driftScore: v }))).toEqual([true, true]);
    expect([0.25, 0.65].map((v) => k({ driftScore: v }))).toEqual([false, false]);
  });

  it('moves a number between two fields with margins each its own way', () => {
    // One number bounding both fields: moved for one, it tightened the other, and members flipped in and out.
    const k = keep({ '<': [{ var: 'lateProbability' }, 0.5, { var: 'driftScore' }] })!;
    expect(k({ lateProbability: 0.59, driftScore: 0.46 })).toBe(true);
    expect(k({ lateProbability: 0.6, driftScore: 0.46 })).toBe(false);
    expect(k({ lateProbability: 0.59, driftScore: 0.45 })).toBe(false);
  });

  it('leaves criteria without margins alone', () => {
    expect(keep({ '>': [{ var: 'riskScore' }, 50] })).toBeNull();
    expect(keep({ '==': [{ var: 'driftScore' }, 0.7] })).toBeNull();
  });
});

const leaf = fc.oneof(
  fc.record({ op: fc.constantFrom('>', '>=', '<', '<='), field: fc.constantFrom('driftScore', 'lateProbability', 'riskScore'), t: fc.double({ min: 0, max: 1, noNaN: true }) })
    .map(({ op, field, t }) => ({ [op]: [{ var: field }, t] })),
  fc.record({ op: fc.constantFrom('>', '<'), t: fc.double({ min: 0, max: 1, noNaN: true }) }).map(({ op, t }) => ({ [op]: [t, { var: 'driftScore' }] })),
  fc.record({ op: fc.constantFrom('<', '<='), a: fc.constantFrom('driftScore', 'lateProbability', 'riskScore'), b: fc.constantFrom('driftScore', 'lateProbability'), t: fc.double({ min: 0, max: 1, noNaN: true }) })
    .map(({ op, a, b, t }) => ({ [op]: [{ var: a }, t, { var: b }] })),
  fc.record({ op: fc.constantFrom('<', '<='), t: fc.double({ min: 0, max: 1, noNaN: true }), u: fc.double({ min: 0, max: 1, noNaN: true }) })
    .map(({ op, t, u }) => ({ [op]: [t, { var: 'lateProbability' }, u] })),
  fc.constant({ '==': [{ var: 'segment' }, 'key'] }),
);
const criteriaArb = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, leaf,
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((args) => ({ and: args })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((args) => ({ or: args })),
    tie('node').map((x) => ({ '!': x })),
    fc.tuple(tie('node'), tie('node'), tie('node')).map(([a, b, c]) => ({ if: [a, b, c] }))),
})).node;
const recordArb = fc.record({
  driftScore: fc.option(fc.double({ min: -0.1, max: 1.1, noNaN: true }), { nil: null }),
  lateProbability: fc.option(fc.double({ min: -0.1, max: 1.1, noNaN: true }), { nil: null }),
  riskScore: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
  segment: fc.constantFrom('key', 'small'),
});

describe('when any criteria are loosened', () => {
  it('select every customer the original criteria select', () => {
    fc.assert(
      fc.property(criteriaArb, fc.array(recordArb, { minLength: 20, maxLength: 20 }), (criteria, records) => {
        const ast = parseCriteria(criteria, CUSTOMER_FIELDS);
        const enter = compileInMemory(ast);
        const k = keepCriteria(ast, margins);
        const stay = k ? compileInMemory(k) : enter;
        for (const r of records) if (enter(r)) expect(stay(r)).toBe(true);
      }),
      { numRuns: 300, seed: 20261123 },
    );
  });
});
