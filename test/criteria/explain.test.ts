import { describe, expect, it } from 'vitest';
import { explain, parseCriteria } from '../../src/criteria/index.js';
import { customer, testRegistry } from './factories.js';

const why = (criteria: unknown, record: Record<string, unknown>) => explain(parseCriteria(criteria, testRegistry), record);

describe('when a collector asks why a customer is in a saved search', () => {
  const riskyKeyAccounts = {
    and: [
      { in: [{ var: 'segment' }, ['key', 'strategic']] },
      { '>': [{ var: 'daysLate' }, 30] },
      { '>=': [{ var: 'lateProbability' }, 0.6] },
    ],
  };

  it('lists every clause with field, operator, expected and actual', () => {
    const e = why(riskyKeyAccounts, customer({ segment: 'key', daysLate: 42, lateProbability: 0.7 }));
    expect(e.matches).toBe(true);
    expect(e.tree.children).toEqual([
      expect.objectContaining({ path: '/and/0', operator: 'in', field: 'segment', actual: 'key', expected: ['key', 'strategic'], outcome: true }),
      expect.objectContaining({ path: '/and/1', operator: '>', field: 'daysLate', actual: 42, expected: 30, outcome: true }),
      expect.objectContaining({ path: '/and/2', operator: '>=', field: 'lateProbability', actual: 0.7, expected: 0.6, outcome: true }),
    ]);
    expect(e.lines[0]).toBe('✓ all 3 conditions hold');
  });

  it('names the clauses that failed in the summary', () => {
    const e = why(riskyKeyAccounts, customer({ segment: 'small', daysLate: 42 }));
    expect(e.summary).toBe('Does not match: segment ("small") is not one of ["key","strategic"].');
  });

  it('says when a value is missing rather than just false', () => {
    const e = why({ '>': [{ var: 'daysLate' }, 30] }, customer({ daysLate: null }));
    expect(e.tree).toMatchObject({ outcome: false, actual: null, text: 'daysLate (no value) > 30 (false: daysLate has no value)' });
  });

  it('shows computed operands with their value', () => {
    const e = why({ '>': [{ '*': [{ var: 'openAmount' }, { var: 'lateProbability' }] }, 5000] }, customer({ openAmount: 10_000, lateProbability: 0.7 }));
    expect(e.tree.text).toBe('(openAmount * lateProbability) (7000) > 5000');
  });

  it('explains group membership and negation', () => {
    const e = why({ '!': { in: ['legal', { var: 'groups' }] } }, customer({ groups: ['vip'] }));
    expect(e.lines).toEqual(['✓ not (groups (["vip"]) does not include "legal")', '  ✗ groups (["vip"]) does not include "legal"']);
  });

  it('agrees with the compiled search when a branch decides', () => {
    const rule = { if: [{ var: 'strategic' }, { '>': [{ var: 'daysLate' }, 60] }, { '>': [{ var: 'daysLate' }, 30] }] };
    const e = why(rule, customer({ strategic: false, daysLate: 45 }));
    expect(e).toMatchObject({ matches: true, tree: { text: 'no branch applies; the fallback decides' } });
  });
});
