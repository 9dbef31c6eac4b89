// The null rule, proven: random saved searches × random customers (nulls
// included) select exactly the same ids in memory (generated code and
// closures) and in SQL; the explanation agrees too. One test file per
// database (differential.*.test.ts) so each stays fast.

import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { compileInMemory, compileSql, explain, parseCriteria, type CompiledCriteria } from '../../src/criteria/index.js';
import { criteriaArb, rowsArb } from './arbitraries.js';
import { recordOf, testRegistry } from './factories.js';
import type { MatchingDb } from './sql-harness.js';

const SEED = Number(process.env.CRITERIA_SEED ?? 7_2025);
const RUNS = Number(process.env.CRITERIA_RUNS ?? 200);
const rowsSample = fc.sample(rowsArb(200), { seed: SEED, numRuns: 1 })[0];
const records = rowsSample.map(recordOf);

const ids = (f: CompiledCriteria): number[] => records.filter((r) => f(r)).map((r) => r.id as number);

/** Registers, in the current describe block, the property against the database `open` gives. */
export function sameCustomersInMemoryAndSql(open: (rows: typeof rowsSample) => Promise<MatchingDb>): void {
  let db: MatchingDb;
  beforeAll(async () => {
    db = await open(rowsSample);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('selects the same customers everywhere', async () => {
    let selective = 0;
    await fc.assert(
      fc.asyncProperty(criteriaArb({ nullTests: true }), async (criteria) => {
        const ast = parseCriteria(criteria, testRegistry);
        const expected = ids(compileInMemory(ast));
        expect(ids(compileInMemory(ast, { strategy: 'closures' }))).toEqual(expected);
        const { sql, params } = compileSql(ast, testRegistry, 1);
        expect(await db.matchingIds(sql, params, 1)).toEqual(expected);
        for (const r of records.slice(0, 10)) expect(explain(ast, r).matches).toBe(expected.includes(r.id as number));
        if (expected.length > 0 && expected.length < records.length) selective += 1;
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // Guards against a generator whose searches all match everyone or no one.
    expect(selective).toBeGreaterThan(RUNS / 4);
  });
}
