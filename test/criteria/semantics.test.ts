// A saved search means what the same JsonLogic means, as long as every field
// has a value: the typed compiler and the generic evaluator agree on random
// searches over customers without nulls. (With nulls they differ on purpose:
// JsonLogic reads null as 0, saved searches apply the null rule.)

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyJsonLogic, compileInMemory, CriteriaError, parseCriteria } from '../../src/criteria/index.js';
import { truthy } from '../../src/criteria/jsonlogic/coerce.js';
import { completeRowsArb, criteriaArb } from './arbitraries.js';
import { recordOf, testRegistry } from './factories.js';

const SEED = Number(process.env.CRITERIA_SEED ?? 7_2025);
const records = fc.sample(completeRowsArb(60), { seed: SEED, numRuns: 1 })[0].map(recordOf);

describe('when every field of the customers has a value', () => {
  it('has complete customers to test on', () => {
    expect(records.length).toBe(60);
    expect(records.every((r) => Object.values(r).every((v) => v !== null))).toBe(true);
  });

  it('matches exactly the customers plain JsonLogic matches', () => {
    let compared = 0;
    fc.assert(
      fc.property(criteriaArb({ nullTests: false }), (criteria) => {
        const typed = compileInMemory(parseCriteria(criteria, testRegistry));
        for (const r of records) {
          let generic: boolean;
          try {
            generic = truthy(applyJsonLogic(criteria, r));
          } catch (e) {
            // Division by zero: an error in JsonLogic, no value (so false) in a saved search.
            if (e instanceof CriteriaError && e.jsonLogicType === 'NaN') continue;
            throw e;
          }
          compared += 1;
          expect(typed(r)).toBe(generic);
        }
      }),
      { numRuns: 300, seed: SEED },
    );
    expect(compared).toBeGreaterThan(300 * records.length * 0.8);
  });
});
