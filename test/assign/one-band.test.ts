// One band at a time: of the rules selecting a customer into groups that are
// bands of each other (some of them by hysteresis), only one band's stay.
import { describe, expect, it } from 'vitest';
import { oneBandEach, type CustomerState, type RankedRule } from '../../src/assign/resolve.js';

const bands = new Map([
  ['low', new Set(['medium', 'high'])],
  ['medium', new Set(['low', 'high'])],
  ['high', new Set(['low', 'medium'])],
]);

const adding = (id: number, group: string): RankedRule => ({ id, priority: id, effects: [{ target: `group:${group}`, value: true }] });
const low = adding(1, 'low');
const medium = adding(2, 'medium');
const high = adding(3, 'high');
const scenario: RankedRule = { id: 4, priority: 4, effects: [{ target: 'dunningScenario', value: 'risky' }] };

function customerIn(...groups: string[]): CustomerState {
  return {
    id: 1,
    externalId: 'C1',
    values: {} as CustomerState['values'],
    groups: new Map(groups.map((g) => [g, { source: 'rule' as const, ruleId: null }])),
    locked: new Set(),
    held: new Map(),
  };
}

describe('when rules select a customer into two bands at once', () => {
  it('keeps the band the customer is in, over a rule with a better priority, and every rule adding to no band', () => {
    const vip = adding(5, 'vip');
    expect(oneBandEach(customerIn('medium'), [low, medium, scenario, vip], bands)).toEqual([medium, scenario, vip]);
  });

  it('goes with the rule first by priority when the customer is in neither band', () => {
    expect(oneBandEach(customerIn(), [medium, high], bands)).toEqual([medium]);
  });

  it('goes with the rule first by priority when the customer is in both', () => {
    expect(oneBandEach(customerIn('low', 'medium'), [low, medium], bands)).toEqual([low]);
  });
});
