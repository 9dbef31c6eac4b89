import { describe, expect, it } from 'vitest';
import {
  compileInMemory,
  compileInMemoryBatch,
  defineFieldRegistry,
  parseCriteria,
  type CompiledCriteria,
} from '../../src/criteria/index.js';
import { generatedSource } from '../../src/criteria/compile-memory.js';
import { customer, testRegistry } from './factories.js';

const STRATEGIES = ['codegen', 'closures'] as const;

/** The search compiled both ways; each test checks both agree with the expectation. */
function both(criteria: unknown): CompiledCriteria[] {
  const ast = parseCriteria(criteria, testRegistry);
  return STRATEGIES.map((strategy) => compileInMemory(ast, { strategy }));
}

function matches(criteria: unknown, record: Record<string, unknown>): boolean {
  const [generated, closures] = both(criteria).map((f) => f(record));
  expect(generated).toBe(closures);
  return generated;
}

describe('when a field has no value', () => {
  const late = { '>': [{ var: 'daysLate' }, 30] };

  it('makes a comparison false', () => {
    expect(matches(late, customer({ daysLate: null }))).toBe(false);
  });

  it('makes its negation true', () => {
    expect(matches({ '!': late }, customer({ daysLate: null }))).toBe(true);
  });

  it('makes != false as well', () => {
    expect(matches({ '!=': [{ var: 'segment' }, 'key'] }, customer({ segment: null }))).toBe(false);
  });

  it('treats an absent key, NaN and a value of the wrong type alike', () => {
    const absent = customer();
    delete absent.daysLate;
    for (const r of [absent, customer({ daysLate: Number.NaN }), customer({ daysLate: '42' })]) {
      expect(matches(late, r)).toBe(false);
      expect(matches({ '==': [{ var: 'daysLate' }, null] }, r)).toBe(true);
    }
  });

  it('uses the var default instead', () => {
    expect(matches({ '>': [{ var: ['daysLate', 99] }, 30] }, customer({ daysLate: null }))).toBe(true);
  });

  it('propagates through arithmetic', () => {
    const exposure = { '>': [{ '*': [{ var: 'openAmount' }, { var: 'lateProbability' }] }, 0] };
    expect(matches(exposure, customer({ lateProbability: null }))).toBe(false);
    expect(matches({ '!': exposure }, customer({ lateProbability: null }))).toBe(true);
  });
});

describe('when arithmetic divides by zero', () => {
  it('gives no value rather than Infinity', () => {
    const ratio = { '>': [{ '/': [{ var: 'openAmount' }, { var: 'creditLimit' }] }, 1] };
    expect(matches(ratio, customer({ creditLimit: 0 }))).toBe(false);
    expect(matches({ '==': [{ '%': [{ var: 'daysLate' }, 0] }, null] }, customer())).toBe(true);
  });

  it('computes modulo with the sign of the dividend', () => {
    expect(matches({ '==': [{ '%': [{ var: 'daysLate' }, 5] }, -2] }, customer({ daysLate: -7 }))).toBe(true);
  });
});

describe('when arithmetic leaves float8\'s range', () => {
  const overflow = { '>': [{ '*': [{ var: 'openAmount' }, 1e308] }, 0] };

  it('gives no value rather than Infinity, so a comparison is false and its negation true', () => {
    expect(matches(overflow, customer())).toBe(false);
    expect(matches({ '!': overflow }, customer())).toBe(true);
    expect(matches({ '==': [{ '+': [{ var: 'openAmount' }, 1e308, 1e308] }, null] }, customer())).toBe(true);
    expect(matches({ '==': [{ '/': [{ var: 'openAmount' }, 1e-308] }, null] }, customer())).toBe(true);
  });

  it('keeps a result that fits, close to the limit', () => {
    expect(matches({ '>': [{ '*': [{ var: 'openAmount' }, 1e303] }, 1e307] }, customer({ openAmount: 12_500 }))).toBe(true);
    expect(matches({ '<': [{ '-': [{ var: 'openAmount' }, 1e308] }, 0] }, customer())).toBe(true);
  });

  it('counts a product too small for float8 as zero', () => {
    expect(matches({ '==': [{ '*': [{ var: 'lateProbability' }, 1e-300, 1e-300] }, 0] }, customer())).toBe(true);
  });

  it('treats an infinite field like NaN: no value', () => {
    const r = customer({ openAmount: Number.POSITIVE_INFINITY });
    expect(matches({ '>': [{ var: 'openAmount' }, 0] }, r)).toBe(false);
    expect(matches({ '==': [{ var: 'openAmount' }, null] }, r)).toBe(true);
  });
});

describe('when comparing ranges and lists', () => {
  const between = { '<=': [30, { var: 'daysLate' }, 60] };

  it('reads a three-operand <= as between, bounds included', () => {
    expect([29, 30, 60, 61].map((d) => matches(between, customer({ daysLate: d })))).toEqual([false, true, true, false]);
  });

  it('compares dates in calendar order', () => {
    const overdue = { '<': [{ var: 'dueDate' }, '2025-02-01'] };
    expect(matches(overdue, customer({ dueDate: '2025-01-31' }))).toBe(true);
    expect(matches(overdue, customer({ dueDate: '2025-02-01' }))).toBe(false);
  });

  it('tests a value against a literal list', () => {
    const strategicSegments = { in: [{ var: 'segment' }, ['key', 'strategic']] };
    expect(matches(strategicSegments, customer({ segment: 'strategic' }))).toBe(true);
    expect(matches(strategicSegments, customer({ segment: 'small' }))).toBe(false);
  });

  it('uses a set for long lists with the same answer', () => {
    const list = Array.from({ length: 30 }, (_, i) => i * 2);
    expect(matches({ in: [{ var: 'daysLate' }, list] }, customer({ daysLate: 42 }))).toBe(true);
    expect(matches({ in: [{ var: 'daysLate' }, list] }, customer({ daysLate: 43 }))).toBe(false);
  });

  it('tests substrings, prefixes and group membership', () => {
    const r = customer({ name: 'ACME Corp', groups: ['vip', 'risky'] });
    expect(matches({ in: ['ME C', { var: 'name' }] }, r)).toBe(true);
    expect(matches({ startsWith: [{ var: 'name' }, 'acme'] }, r)).toBe(false);
    expect(matches({ endsWith: [{ var: 'name' }, 'Corp'] }, r)).toBe(true);
    expect(matches({ in: ['risky', { var: 'groups' }] }, r)).toBe(true);
    expect(matches({ in: ['legal', { var: 'groups' }] }, r)).toBe(false);
  });
});

describe('when a search asks what is missing', () => {
  it('counts an empty string as missing, like JsonLogic', () => {
    expect(matches({ missing: ['name'] }, customer({ name: '' }))).toBe(true);
  });

  it('holds for missing_some when fewer than the count are present', () => {
    const needTwo = { missing_some: [2, ['dueDate', 'lastPaymentDate', 'segment']] };
    expect(matches(needTwo, customer({ dueDate: null, segment: null }))).toBe(true);
    expect(matches(needTwo, customer({ dueDate: null }))).toBe(false);
  });
});

describe('when a search branches with if', () => {
  it('uses the first branch whose condition holds', () => {
    const rule = { if: [{ var: 'strategic' }, { '>': [{ var: 'daysLate' }, 60] }, { '>': [{ var: 'daysLate' }, 30] }] };
    expect(matches(rule, customer({ strategic: true, daysLate: 45 }))).toBe(false);
    expect(matches(rule, customer({ strategic: false, daysLate: 45 }))).toBe(true);
  });

  it('chooses a threshold as a value', () => {
    const rule = { '>': [{ var: 'daysLate' }, { if: [{ var: 'strategic' }, 60, 30] }] };
    expect(matches(rule, customer({ strategic: true, daysLate: 45 }))).toBe(false);
  });
});

describe('when many searches are compiled together', () => {
  it('gives each the same answer as compiled alone', () => {
    const criteria = [
      { '>': [{ var: 'daysLate' }, 30] },
      { in: ['vip', { var: 'groups' }] },
      { '!': { var: 'strategic' } },
    ];
    const asts = criteria.map((c) => parseCriteria(c, testRegistry));
    const batch = compileInMemoryBatch(asts);
    const out = new Uint8Array(asts.length);
    const r = customer({ daysLate: 10, groups: ['vip'], strategic: false });
    batch(r, out);
    expect([...out]).toEqual(asts.map((a) => (compileInMemory(a)(r) ? 1 : 0)));
  });
});

describe('when criteria carry hostile text', () => {
  it('keeps string literals as data in the generated code', () => {
    const attack = '"); globalThis.pwned = true; ("';
    const criteria = { '==': [{ var: 'name' }, attack] };
    expect(matches(criteria, customer({ name: attack }))).toBe(true);
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
    expect(generatedSource(parseCriteria(criteria, testRegistry))).toContain(JSON.stringify(attack));
  });

  it('keeps odd registry names as property keys', () => {
    const registry = new Map([
      ['a"]||1||r["b', { ...testRegistry.get('daysLate')!, name: 'a"]||1||r["b' }],
    ]);
    const f = compileInMemory(parseCriteria({ '>': [{ var: 'a"]||1||r["b' }, 5] }, registry));
    expect(f({})).toBe(false);
    expect(f({ 'a"]||1||r["b': 6 })).toBe(true);
  });

  it('refuses such names when the registry is built with defineFieldRegistry', () => {
    expect(() => defineFieldRegistry([{ ...testRegistry.get('daysLate')!, name: 'x.y' }])).toThrow(/must match/);
  });
});
