import { describe, expect, it } from 'vitest';
import { CriteriaError, evaluateRecord } from '../../src/criteria/index.js';

function refusal(rule: unknown, record: unknown, options?: Parameters<typeof evaluateRecord>[2]): CriteriaError {
  try {
    evaluateRecord(rule, record, options);
  } catch (e) {
    if (e instanceof CriteriaError) return e;
    throw e;
  }
  throw new Error('evaluated');
}

describe('when a rule runs on an explicit record', () => {
  const record = { temp: 100, pie: { filling: 'apple' }, tags: ['x', 'y'], items: [{ qty: 2 }, { qty: 0 }] };

  it('resolves var with dot paths, array indices and defaults', () => {
    expect(evaluateRecord({ var: 'pie.filling' }, record).result).toBe('apple');
    expect(evaluateRecord({ var: 'tags.1' }, record).result).toBe('y');
    expect(evaluateRecord({ var: ['pie.crust', 'butter'] }, record).result).toBe('butter');
  });

  it('returns what the rule returns, not only true or false', () => {
    expect(evaluateRecord({ map: [{ var: 'items' }, { var: 'qty' }] }, record).result).toEqual([2, 0]);
  });

  it('explains each clause with field, operator, expected and actual', () => {
    const { explanation } = evaluateRecord(
      { and: [{ '<': [{ var: 'temp' }, 110] }, { '==': [{ var: 'pie.filling' }, 'cherry'] }] },
      record,
    );
    expect(explanation.matches).toBe(false);
    expect(explanation.tree.children).toEqual([
      expect.objectContaining({ operator: '<', field: 'temp', actual: 100, expected: 110, outcome: true }),
      expect.objectContaining({ operator: '==', field: 'pie.filling', actual: 'apple', expected: 'cherry', outcome: false }),
    ]);
    expect(explanation.summary).toBe('Does not match: pie.filling ("apple") == "cherry".');
    expect(explanation.lines).toEqual(['✗ and → false', '  ✓ temp (100) < 110', '  ✗ pie.filling ("apple") == "cherry"']);
  });

  it('shows an iterator once, not once per item', () => {
    const { explanation } = evaluateRecord({ some: [{ var: 'items' }, { '>': [{ var: 'qty' }, 1] }] }, record);
    expect(explanation.lines).toEqual(['✓ some over items ([{"qty":2},{"qty":0}]) (2 items) → true']);
  });

  it('explains a plain value rule', () => {
    expect(evaluateRecord(0, record).explanation).toMatchObject({ matches: false, tree: { operator: 'value', value: 0 } });
  });
});

describe('when a rule reaches for object internals', () => {
  it.each([
    [{ var: 'constructor' }],
    [{ var: 'pie.__proto__' }],
    [{ val: ['prototype'] }],
    [{ exists: ['__proto__'] }],
    [{ missing: ['a.constructor'] }],
  ])('refuses %j before reading the record', (rule) => {
    expect(refusal(rule, { pie: {} }).code).toBe('AR_ERR_CRITERIA_FORBIDDEN_PATH');
  });

  it('refuses a computed path at run time', () => {
    const e = refusal({ var: { cat: ['__pro', 'to__'] } }, {});
    expect(e.code).toBe('AR_ERR_CRITERIA_FORBIDDEN_PATH');
  });

  it('does not let try swallow the refusal', () => {
    expect(refusal({ try: [{ var: { cat: ['constr', 'uctor'] } }, 1] }, {}).code).toBe('AR_ERR_CRITERIA_FORBIDDEN_PATH');
  });

  it('never reads inherited properties', () => {
    expect(evaluateRecord({ var: 'toString' }, {}).result).toBeNull();
    expect(evaluateRecord({ var: 'name.length' }, { name: 'abc' }).result).toBeNull();
  });
});

describe('when a rule would cost too much', () => {
  it('stops nested iterators at the step budget', () => {
    const xs = Array.from({ length: 200 }, (_, i) => i);
    const cube = { map: [{ var: 'xs' }, { map: [{ val: [[2], 'xs'] }, { map: [{ val: [[4], 'xs'] }, 1] }] }] };
    expect(refusal(cube, { xs }).code).toBe('AR_ERR_CRITERIA_BUDGET');
  });

  it('stops a map whose items each build a long string, before memory runs out', () => {
    const xs = Array.from({ length: 6_000 }, (_, i) => i);
    const rule = { map: [{ var: 'xs' }, { cat: [{ val: [[2], 'long'] }, { val: [[2], 'long'] }] }] };
    const e = refusal(rule, { xs, long: 'x'.repeat(400_000) });
    expect(e.code).toBe('AR_ERR_CRITERIA_BUDGET');
    expect(e.details).toHaveProperty('maxBuilt');
  });

  it('stops a map that repeats a big part of the record, which could not be written back', () => {
    const xs = Array.from({ length: 6_000 }, (_, i) => i);
    const big = Array.from({ length: 100_000 }, (_, i) => i);
    expect(refusal({ map: [{ var: 'xs' }, { val: [[2], 'big'] }] }, { xs, big }).code).toBe('AR_ERR_CRITERIA_BUDGET');
    expect(refusal([{ var: 'big' }, { var: 'big' }], { big }, { maxBuilt: 500_000 }).code).toBe('AR_ERR_CRITERIA_BUDGET');
  });

  it('stops a reduce whose accumulator grows at each item (quadratic work)', () => {
    const xs = Array.from({ length: 100_000 }, (_, i) => i);
    const rule = { reduce: [{ var: 'xs' }, { cat: [{ var: 'accumulator' }, 'abcdefghij'] }, ''] };
    expect(refusal(rule, { xs }).code).toBe('AR_ERR_CRITERIA_BUDGET');
  });

  it('stops at the wall-time budget', () => {
    const xs = Array.from({ length: 2_000 }, (_, i) => i);
    const square = { map: [{ var: 'xs' }, { map: [{ val: [[2], 'xs'] }, { '+': [1, 1] }] }] };
    const e = refusal(square, { xs }, { maxMillis: 0, maxSteps: 100_000_000, maxBuilt: 1e12 });
    expect(e.details).toEqual({ maxMillis: 0 });
  });

  it('keeps big values out of the explanation: their first characters stand for them', () => {
    const big = Array.from({ length: 50_000 }, (_, i) => i);
    const { result, explanation } = evaluateRecord({ merge: [{ var: 'big' }, [1]] }, { big });
    expect(result).toHaveLength(50_001);
    const tree = explanation.tree as { value?: unknown };
    expect(typeof tree.value).toBe('string');
    expect((tree.value as string).length).toBeLessThanOrEqual(80);
    expect(explanation.lines.every((line) => line.length < 200)).toBe(true);
  });

  it('stops a string that doubles at each step', () => {
    const xs = Array.from({ length: 40 }, (_, i) => i);
    const doubling = { reduce: [{ var: 'xs' }, { cat: [{ var: 'accumulator' }, { var: 'accumulator' }] }, 'ab'] };
    expect(refusal(doubling, { xs }).code).toBe('AR_ERR_CRITERIA_BUDGET');
  });
});

describe('when evaluation fails', () => {
  it('reports the JsonLogic error type and where it happened', () => {
    const e = refusal({ and: [true, { '/': [{ var: 'x' }, 0] }] }, { x: 1 });
    expect(e).toMatchObject({ code: 'AR_ERR_CRITERIA_EVALUATION', jsonLogicType: 'NaN', path: '/and/1', statusCode: 422 });
  });

  it('refuses an unknown operator with the list of known ones', () => {
    const e = refusal({ regex: ['a', 'b'] }, {});
    expect(e.code).toBe('AR_ERR_CRITERIA_UNKNOWN_OPERATOR');
    expect(e.details?.allowed).toContain('map');
  });
});
