import { describe, expect, it } from 'vitest';
import { CriteriaError, INPUT_LIMITS, parseCriteria } from '../../src/criteria/index.js';
import { testRegistry } from './factories.js';

/** The CriteriaError parseCriteria throws for `criteria`. */
function refusal(criteria: unknown, limits?: Parameters<typeof parseCriteria>[2]): CriteriaError {
  try {
    parseCriteria(criteria, testRegistry, limits);
  } catch (e) {
    if (e instanceof CriteriaError) return e;
    throw e;
  }
  throw new Error(`accepted ${JSON.stringify(criteria)}`);
}

describe('when a saved search names something the registry does not have', () => {
  it('refuses an unknown field with its path and a suggestion', () => {
    const e = refusal({ and: [{ '>': [{ var: 'dayslate' }, 30] }] });
    expect(e.code).toBe('AR_ERR_CRITERIA_UNKNOWN_FIELD');
    expect(e.path).toBe('/and/0/>/0/var');
    expect(e.details?.suggestions).toEqual(['daysLate']);
    expect(e.statusCode).toBe(400);
  });

  it('refuses an unknown operator', () => {
    const e = refusal({ or: [{ between: [{ var: 'daysLate' }, 1, 2] }] });
    expect(e.code).toBe('AR_ERR_CRITERIA_UNKNOWN_OPERATOR');
    expect(e.path).toBe('/or/0');
  });

  it('refuses a JsonLogic data operator as unsupported in saved searches', () => {
    const e = refusal({ some: [{ var: 'groups' }, { '==': [{ var: '' }, 'vip'] }] });
    expect(e.code).toBe('AR_ERR_CRITERIA_UNSUPPORTED_OPERATOR');
    expect(e.details?.allowed).toContain('in');
  });

  it('refuses a field name missing in a "missing" list', () => {
    expect(refusal({ missing: ['daysLate', 'phone'] }).path).toBe('/missing/1');
  });
});

describe('when a path reaches object internals', () => {
  it.each([
    [{ var: '__proto__' }, '/var'],
    [{ var: 'segment.constructor' }, '/var'],
    [{ '==': [{ var: ['prototype', 1] }, 1] }, '/==/0/var/0'],
    [{ missing: ['constructor'] }, '/missing/0'],
    [JSON.parse('{"__proto__": [1, 2]}'), '/__proto__'],
    [{ and: [JSON.parse('{"==": 1, "__proto__": 2}')] }, '/and/0/__proto__'],
  ])('refuses %j at %s', (criteria, path) => {
    const e = refusal(criteria);
    expect(e.code).toBe('AR_ERR_CRITERIA_FORBIDDEN_PATH');
    expect(e.path).toBe(path);
  });
});

describe('when operand types do not match the registry', () => {
  it('refuses ordering a string field against a number', () => {
    const e = refusal({ '>': [{ var: 'name' }, 5] });
    expect(e.code).toBe('AR_ERR_CRITERIA_TYPE');
    expect(e.path).toBe('/>/1');
    expect(e.message).toContain('name');
  });

  it('refuses arithmetic on a date', () => {
    expect(refusal({ '>': [{ '+': [{ var: 'dueDate' }, 1] }, 2] }).path).toBe('/>/0/+/0');
  });

  it('refuses ordering booleans', () => {
    expect(refusal({ '<': [{ var: 'strategic' }, true] }).code).toBe('AR_ERR_CRITERIA_TYPE');
  });

  it('refuses comparing a list of groups with ==', () => {
    expect(refusal({ '==': [{ var: 'groups' }, 'vip'] }).code).toBe('AR_ERR_CRITERIA_TYPE');
  });

  it('refuses a date that is not YYYY-MM-DD', () => {
    const e = refusal({ '<': [{ var: 'dueDate' }, '2025-02-30'] });
    expect(e.code).toBe('AR_ERR_CRITERIA_VALUE');
    expect(e.path).toBe('/</1');
  });

  it('refuses a value outside the field enumeration', () => {
    const e = refusal({ in: [{ var: 'segment' }, ['key', 'strategc']] });
    expect(e.code).toBe('AR_ERR_CRITERIA_VALUE');
    expect(e.path).toBe('/in/1/1');
  });

  it('refuses ordering against null', () => {
    expect(refusal({ '>': [{ var: 'daysLate' }, null] }).code).toBe('AR_ERR_CRITERIA_TYPE');
  });

  it('refuses a comparison used as a number', () => {
    expect(refusal({ '+': [{ '>': [{ var: 'daysLate' }, 1] }, 1] }).code).toBe('AR_ERR_CRITERIA_TYPE');
  });
});

describe('when a submitted search writes an implausible number', () => {
  it.each([
    [{ '>': [{ '*': [{ var: 'openAmount' }, 1e308] }, 0] }, '/>/0/*/1'],
    [{ '>': [{ '/': [{ var: 'openAmount' }, 1e-308] }, 0] }, '/>/0/~1/1'],
    [{ '<': [{ var: 'creditLimit' }, -1e16] }, '/</1'],
    [{ '>': [{ var: ['daysLate', 1e20] }, 1] }, '/>/0/var/1'],
    [{ in: [{ var: 'daysLate' }, [1, 5e-324]] }, '/in/1/1'],
  ])('refuses %j with a coded 400 at %s', (criteria, path) => {
    const e = refusal(criteria, INPUT_LIMITS);
    expect(e).toMatchObject({ code: 'AR_ERR_CRITERIA_VALUE', statusCode: 400, path });
    expect(e.message).toMatch(/too (large|small) for a saved search/);
  });

  it('accepts zero and numbers up to the bound either way', () => {
    const criteria = { '<=': [{ '*': [{ var: 'openAmount' }, 1e15, -1e-15, 0] }, { '+': [0.0001, -123_456.78] }] };
    expect(() => parseCriteria(criteria, testRegistry, INPUT_LIMITS)).not.toThrow();
  });

  it('still reads such a number in stored criteria, whose arithmetic is guarded', () => {
    expect(() => parseCriteria({ '>': [{ '*': [{ var: 'openAmount' }, 1e308] }, 0] }, testRegistry)).not.toThrow();
  });
});

describe('when arguments have the wrong shape', () => {
  it.each([
    [{ '>': [{ var: 'daysLate' }] }],
    [{ '>': [1, { var: 'daysLate' }, 3] }],
    [{ and: [] }],
    [{ and: { var: 'strategic' } }],
    [{ '!': [true, false] }],
    [{ '/': [{ var: 'daysLate' }, 2, 3] }],
    [{ var: ['daysLate', 0, 1] }],
    [{ missing_some: [3, ['daysLate', 'name']] }],
  ])('refuses %j with a coded error', (criteria) => {
    expect(refusal(criteria).code).toMatch(/^AR_ERR_CRITERIA_(ARGUMENTS|VALUE)$/);
  });

  it('refuses an object with two operators', () => {
    expect(refusal({ '>': [1, 2], '<': [1, 2] }).code).toBe('AR_ERR_CRITERIA_MALFORMED');
  });

  it('refuses values JSON cannot carry', () => {
    expect(refusal({ '>': [{ var: 'daysLate' }, Number.NaN] }).code).toBe('AR_ERR_CRITERIA_MALFORMED');
  });
});

describe('when criteria exceed the limits', () => {
  it('refuses nesting deeper than maxDepth', () => {
    let criteria: unknown = { var: 'strategic' };
    for (let i = 0; i < 40; i++) criteria = { '!': criteria };
    expect(refusal(criteria).code).toBe('AR_ERR_CRITERIA_TOO_DEEP');
  });

  it('refuses more values than maxNodes', () => {
    const list = Array.from({ length: 50 }, (_, i) => i);
    const e = refusal({ in: [{ var: 'daysLate' }, list] }, { maxDepth: 10, maxNodes: 20, maxStringLength: 100 });
    expect(e.code).toBe('AR_ERR_CRITERIA_TOO_LARGE');
  });
});

describe('when a saved search is valid', () => {
  it('lists the fields it reads', () => {
    const ast = parseCriteria(
      { and: [{ '>': [{ var: 'daysLate' }, 30] }, { in: ['vip', { var: 'groups' }] }, { missing: ['dueDate'] }] },
      testRegistry,
    );
    expect(ast.fields).toEqual(['daysLate', 'dueDate', 'groups']);
  });

  it('reads "in" by the type of its right side', () => {
    const kinds = [
      { in: [{ var: 'segment' }, ['key']] },
      { in: ['AC', { var: 'name' }] },
      { in: ['vip', { var: 'groups' }] },
    ].map((c) => parseCriteria(c, testRegistry).root.kind);
    expect(kinds).toEqual(['inList', 'contains', 'member']);
  });

  it('reads == null as "has no value", as query builders write it', () => {
    const root = parseCriteria({ '!=': [{ var: 'dueDate' }, null] }, testRegistry).root;
    expect(root).toMatchObject({ kind: 'isNull', negate: true });
  });

  it('types a string compared with a date field as a date', () => {
    const root = parseCriteria({ '<': [{ var: 'dueDate' }, '2025-01-31'] }, testRegistry).root;
    expect(root).toMatchObject({ kind: 'compare', operands: [{ type: 'date' }, { type: 'date', value: '2025-01-31' }] });
  });
});

describe('when the whole criteria is a constant', () => {
  it('refuses criteria sent as JSON text, saying so', () => {
    const e = refusal(JSON.stringify({ '==': [{ var: 'segment' }, 'small'] }));
    expect(e.code).toBe('AR_ERR_CRITERIA_TYPE');
    expect(e.path).toBe('');
    expect(e.message).toBe('criteria is a JSON string: send the JsonLogic object, not its text');
    expect(refusal(' [1]').message).toMatch(/is a JSON string/);
  });

  it.each([1, 0, 'small', ''])('refuses %j, which would match everyone or no one', (criteria) => {
    const e = refusal(criteria);
    expect(e.code).toBe('AR_ERR_CRITERIA_TYPE');
    expect(e.message).toMatch(/criteria must be a rule/);
  });

  it('keeps true and false as match-all and match-none', () => {
    expect(parseCriteria(true, testRegistry).root).toMatchObject({ kind: 'const', value: true });
    expect(parseCriteria(false, testRegistry).root).toMatchObject({ kind: 'const', value: false });
  });

  it('keeps constants inside a rule', () => {
    expect(parseCriteria({ and: [1, { '!!': ['x'] }] }, testRegistry).root.kind).toBe('and');
  });
});
