// Successive rules: stages follow what each rule reads and writes.
import { describe, expect, it } from 'vitest';
import { parseCriteria } from '../../src/criteria/index.js';
import { CUSTOMER_FIELDS } from '../../src/fields/registry.js';
import { ANY_GROUP, planStages, readsOf } from '../../src/assign/dependencies.js';
import { compileRule, compileRuleSet } from '../../src/assign/compile.js';

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

  // One band at a time: whether the low band's rule applies is settled once medium's rule is matched too.
  it('runs a reader of a band after the rules of the bands beside it, unless that closes a cycle', () => {
    const beside = (w: { id: number }) => (w.id === 1 ? [2] : w.id === 2 ? [1] : []);
    const low = rule(1, ['group:low'], []);
    const medium = rule(2, ['group:medium'], ['group:vip']);
    const vip = rule(3, ['group:vip'], []);
    const reader = rule(4, ['dunningScenario'], ['group:low']);
    expect(planStages([low, medium, vip, reader])).toEqual([[1, 3], [2, 4]]);
    expect(planStages([low, medium, vip, reader], beside)).toEqual([[1, 3], [2], [4]]);
    // Medium reads what the reader writes: no order settles the band first; the reader keeps its place.
    const circular = rule(2, ['group:medium'], ['dunningScenario']);
    expect(planStages([low, circular, reader], beside)).toEqual([[1], [4], [2]]);
  });

  it('refuses a rule that reads the group it builds', () => {
    expect(() => planStages([rule(7, ['group:a'], ['group:a'])])).toThrow(/cycle/);
  });

  // Brief 000: "a standard scenario, then, once the customer is over xx days late, another one".
  it('orders a rule that reads the value it replaces (the scenario, the collector) after the other rules writing it', () => {
    expect(planStages([rule(1, ['dunningScenario'], ['dunningScenario']), rule(2, ['collector'], ['collector', 'group:a'])])).toEqual([[1, 2]]);
    expect(planStages([rule(1, ['dunningScenario'], ['dunningScenario']), rule(2, ['dunningScenario'], [])])).toEqual([[2], [1]]);
  });

  // A default rule sets "standard"; the rule moving the late ones on reads "standard". Where both select a
  // customer and the mover wins, the next run finds it moved, the mover no longer selects it and the default
  // sets "standard" back: the scenario would swing at every run its dwell time allows.
  it('refuses a rule reading the value it sets when a rule after it by priority sets that value too', () => {
    const row = (id: number, priority: number, criteria: unknown, dunningScenario: string) => ({
      id, name: `r${id}`, priority, enabled: true, searchName: `s${id}`, criteria, actions: [{ type: 'setDunningScenario' as const, dunningScenario }],
    });
    const mover = (priority: number) => row(1, priority, { and: [{ '==': [{ var: 'dunningScenario' }, 'standard'] }, { '>': [{ var: 'maxDaysOverdue' }, 60] }] }, 'legal');
    const byDefault = (priority: number) => row(2, priority, { '==': [{ var: 'segment' }, 'key'] }, 'standard');
    expect(() => compileRuleSet([mover(1), byDefault(2)], {})).toThrow(expect.objectContaining({
      code: 'AR_ERR_RULE_CONFLICT', message: expect.stringMatching(/"r1" reads the dunning scenario it sets, and "r2", after it by priority, sets it too/),
    }));
    // The default first: it keeps its customers, the mover moves only the others, once.
    expect(compileRuleSet([mover(2), byDefault(1)], {}).stages.map((st) => st.map((r) => r.id))).toEqual([[2], [1]]);
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
