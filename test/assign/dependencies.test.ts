// Successive rules: stages follow what each rule reads and writes.
import { describe, expect, it } from 'vitest';
import { parseCriteria } from '../../src/criteria/index.js';
import { CUSTOMER_FIELDS } from '../../src/fields/registry.js';
import { ANY_GROUP, planStages, readsOf } from '../../src/assign/dependencies.js';
import { compileRule } from '../../src/assign/compile.js';

const reads = (criteria: unknown) => readsOf(parseCriteria(criteria, CUSTOMER_FIELDS));
const rule = (id: number, writes: string[], readTargets: string[]) => ({ id, name: `r${id}`, writes, reads: readTargets });

describe('when criteria read what rules write', () => {
  it('names the groups a membership test reads', () => {
    expect(reads({ and: [{ in: ['low-risk', { var: 'groups' }] }, { '!': { in: ['vip', { var: 'groups' }] } }] }))
      .toEqual(['group:low-risk', 'group:vip']);
  });

  it('reads every group when no group is named', () => {
    expect(reads({ '!!': { var: 'groups' } })).toEqual([ANY_GROUP]);
  });

  it('reads assigned values such as the collector', () => {
    expect(reads({ '==': [{ var: 'collector' }, 'col-a'] })).toEqual(['collector']);
  });
});

describe('when rules are ordered', () => {
  it('runs a super score built from groups after the rules building the groups', () => {
    const stages = planStages([
      rule(1, ['dunningScenario'], ['group:high']),
      rule(2, ['group:high'], []),
      rule(3, ['group:low'], []),
      rule(4, ['collector'], [ANY_GROUP]),
      rule(5, ['salesRep'], ['collector']),
    ]);
    expect(stages).toEqual([[2, 3], [1, 4], [5]]);
  });

  it('refuses a cycle and names it', () => {
    const run = () => planStages([rule(1, ['group:a'], ['group:b']), rule(2, ['group:b'], ['group:a'])]);
    expect(run).toThrow(expect.objectContaining({ code: 'AR_ERR_RULE_CONFLICT', statusCode: 409 }));
    expect(run).toThrow(/"r1" → "r2" → "r1"/);
  });

  it('refuses a rule that reads the group it builds', () => {
    expect(() => planStages([rule(7, ['group:a'], ['group:a'])])).toThrow(/cycle/);
  });

  // Brief 000: "a standard scenario, then, once the customer is over xx days late, another one".
  it('orders a rule that reads the value it replaces (the scenario, the collector) after the other rules writing it', () => {
    expect(planStages([rule(1, ['dunningScenario'], ['dunningScenario']), rule(2, ['collector'], ['collector', 'group:a'])])).toEqual([[1, 2]]);
    expect(planStages([rule(1, ['dunningScenario'], ['dunningScenario']), rule(2, ['dunningScenario'], [])])).toEqual([[2], [1]]);
  });
});

describe("when a rule's saved search was stored as JSON text", () => {
  it('refuses to compile it instead of matching the whole portfolio', () => {
    const row = {
      id: 1, name: 'small to Bob', priority: 1, enabled: true, actions: [{ type: 'setCollector', collector: 'col-b' }],
      searchName: 'typo', criteria: JSON.stringify({ '==': [{ var: 'segment' }, 'small'] }),
    };
    expect(() => compileRule(row as Parameters<typeof compileRule>[0], {})).toThrow(
      expect.objectContaining({ code: 'AR_ERR_CRITERIA', message: expect.stringMatching(/rule "small to Bob".*is a JSON string/) }),
    );
  });
});
