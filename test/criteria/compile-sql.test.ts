import { describe, expect, it } from 'vitest';
import { compileSql, CriteriaError, defineFieldRegistry, parseCriteria } from '../../src/criteria/index.js';
import { testRegistry } from './factories.js';

const compile = (criteria: unknown, offset = 0) => compileSql(parseCriteria(criteria, testRegistry), testRegistry, offset);

describe('when a saved search is compiled to SQL', () => {
  it('numbers placeholders after the ones the query already uses', () => {
    const { sql, params } = compile({ and: [{ '>': [{ var: 'daysLate' }, 30] }, { in: [{ var: 'segment' }, ['key', 'small']] }] }, 2);
    expect(params).toEqual([30, 'key', 'small']);
    expect(sql).toContain('$3::float8');
    expect(sql).toContain('$4::text');
    expect(sql).toContain('$5::text');
    expect(sql).not.toMatch(/\$[12]\b/);
  });

  it('passes user text only as parameters', () => {
    const attack = "x'; DROP TABLE customers; --";
    const { sql, params } = compile({ or: [{ '==': [{ var: 'name' }, attack] }, { in: [attack, { var: 'groups' }] }] });
    expect(sql).not.toContain('DROP');
    expect(params).toEqual([attack, attack]);
  });

  it('reads fields through their registry expression', () => {
    expect(compile({ '>': [{ var: 'openAmount' }, 0] }).sql).toContain('(c.invoiced - c.paid)::float8');
  });

  it('binds computed operands once, so nested arithmetic grows the SQL linearly', () => {
    let value: unknown = { var: 'openAmount' };
    const sizes: number[] = [];
    for (let depth = 1; depth <= 7; depth++) {
      value = { '*': [{ '+': [value, { var: 'daysLate' }] }, 2] };
      sizes.push(compile({ '>': [value, 0] }).sql.length);
    }
    // A few characters of slack: placeholders reach two digits ($10).
    expect(sizes[6] - sizes[5]).toBeLessThan(sizes[1] - sizes[0] + 10);
  });

  it('makes each comparison two-valued before negation', () => {
    expect(compile({ '!': { '>': [{ var: 'daysLate' }, 30] } }).sql).toMatch(/^\(NOT \(\(.*\) IS TRUE\)\)$/);
  });
});

describe('when the registry changed since the search was saved', () => {
  const ast = parseCriteria({ '>': [{ var: 'daysLate' }, 30] }, testRegistry);

  it('refuses a field that became text', () => {
    const changed = defineFieldRegistry([{ ...testRegistry.get('daysLate')!, type: 'string' }]);
    expect(() => compileSql(ast, changed)).toThrow(expect.objectContaining({ code: 'AR_ERR_CRITERIA_TYPE' }) as CriteriaError);
  });

  it('refuses a field that was removed', () => {
    expect(() => compileSql(ast, new Map())).toThrow(expect.objectContaining({ code: 'AR_ERR_CRITERIA_UNKNOWN_FIELD' }) as CriteriaError);
  });
});
