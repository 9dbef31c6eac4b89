// Which criteria can never select the same customer: what makes two groups
// bands of one field, whose leave and join are one move (resolve.ts).
import { describe, expect, it } from 'vitest';
import { parseCriteria } from '../../src/criteria/index.js';
import { CUSTOMER_FIELDS } from '../../src/fields/registry.js';
import { mutuallyExclusive } from '../../src/assign/exclusive.js';

const exclusive = (a: unknown, b: unknown) => {
  const [x, y] = [parseCriteria(a, CUSTOMER_FIELDS), parseCriteria(b, CUSTOMER_FIELDS)];
  const answer = mutuallyExclusive(x, y);
  // Whichever side is asked first.
  expect(mutuallyExclusive(y, x)).toBe(answer);
  return answer;
};
const risk = { var: 'riskScore' };
const owing = { '>': [{ var: 'openAmount' }, 0] };

describe('when two criteria bound one number field', () => {
  it('calls ranges that meet at an open bound exclusive, and ranges sharing a value not', () => {
    expect(exclusive({ '<': [risk, 50] }, { '>=': [risk, 50] })).toBe(true);
    expect(exclusive({ '<=': [risk, 50] }, { '>=': [risk, 50] })).toBe(false);
    expect(exclusive({ '<': [risk, 40] }, { '<=': [40, risk, 70] })).toBe(true);
    expect(exclusive({ '<=': [40, risk, 70] }, { '>': [risk, 70] })).toBe(true);
    expect(exclusive({ '<': [40, risk, 70] }, { '<': [60, risk, 90] })).toBe(false);
  });

  it('reads a literal on the left as a bound of the field on the right', () => {
    expect(exclusive({ '>': [50, risk] }, { '>': [risk, 60] })).toBe(true);
  });

  it('keeps the bands apart when both also read a field they share', () => {
    expect(exclusive({ and: [{ '<': [risk, 50] }, owing] }, { and: [owing, { '>=': [risk, 50] }] })).toBe(true);
  });

  it('does not call groups exclusive for reading a common field', () => {
    expect(exclusive({ and: [{ '<': [risk, 50] }, owing] }, { '>=': [{ var: 'openAmount' }, 1000] })).toBe(false);
    expect(exclusive(owing, { '<': [{ var: 'openAmount' }, 1000] })).toBe(false);
  });

  it('takes from an or only what every alternative demands', () => {
    const lowOrHigh = { or: [{ '<': [risk, 20] }, { '>': [risk, 80] }] };
    expect(exclusive(lowOrHigh, { '<=': [30, risk, 70] })).toBe(true);
    expect(exclusive(lowOrHigh, { '<=': [10, risk, 70] })).toBe(false);
    expect(exclusive({ or: [{ '<': [risk, 20] }, owing] }, { '>': [risk, 80] })).toBe(false);
  });

  it('sees nothing through a negation, arithmetic or a default', () => {
    expect(exclusive({ '!': { '>=': [risk, 50] } }, { '>=': [risk, 50] })).toBe(false);
    expect(exclusive({ '<': [{ '+': [risk, 0] }, 50] }, { '>=': [risk, 50] })).toBe(false);
    // A customer with no score holds the default, whatever the other criteria demand of the score.
    expect(exclusive({ '<': [{ var: ['riskScore', 0] }, 50] }, { '>=': [risk, 50] })).toBe(false);
  });
});

describe('when two criteria pick values of one field', () => {
  it('calls one-of-a-set criteria exclusive when no value is in both sets', () => {
    const segment = { var: 'segment' };
    expect(exclusive({ '==': [segment, 'key'] }, { in: [segment, ['sme', 'micro']] })).toBe(true);
    expect(exclusive({ '==': [segment, 'key'] }, { in: [segment, ['key', 'sme']] })).toBe(false);
    expect(exclusive({ '==': [segment, 'key'] }, { '!=': [segment, 'key'] })).toBe(false);
  });

  it('calls a value outside a range exclusive with it', () => {
    expect(exclusive({ '==': [risk, 90] }, { '<': [risk, 50] })).toBe(true);
    expect(exclusive({ in: [risk, [10, 90]] }, { '<': [risk, 50] })).toBe(false);
  });
});
