// The null rule, proven: random saved searches × random customers (nulls
// included) select exactly the same ids in memory (generated code and
// closures) and in SQL; the explanation agrees too. A few customers sit at
// float8's edges, and a second property mixes in literals that overflow or
// underflow, where PostgreSQL would raise and JavaScript would go on with
// Infinity (arith.ts draws the line for both). One test file per database
// (differential.*.test.ts) so each stays fast.

import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { compileInMemory, compileSql, explain, parseCriteria, type CompiledCriteria } from '../../src/criteria/index.js';
import { criteriaArb, rowsArb } from './arbitraries.js';
import { extremeRows, recordOf, testRegistry } from './factories.js';
import type { MatchingDb } from './sql-harness.js';

const SEED = Number(process.env.CRITERIA_SEED ?? 7_2025);
const RUNS = Number(process.env.CRITERIA_RUNS ?? 200);
const randomRows = fc.sample(rowsArb(200), { seed: SEED, numRuns: 1 })[0];
const rowsSample = [...randomRows, ...extremeRows(randomRows.length + 1)];
const records = rowsSample.map(recordOf);

const ids = (f: CompiledCriteria): number[] => records.filter((r) => f(r)).map((r) => r.id as number);

/** Overflowing arithmetic as fuzzing found it: SQL answered 500, memory matched with Infinity. */
const OVERFLOWS = [
  { '>': [{ '*': [{ var: 'openAmount' }, 1e308] }, 0] },
  { '<': [{ '+': [{ var: 'openAmount' }, 1e308, 1e308] }, 0] },
  { '!': { '>': [{ '/': [{ var: 'openAmount' }, 1e-308] }, 0] } },
  { '==': [{ '%': [1e308, { var: 'lateProbability' }] }, null] },
  { '<': [{ '*': [{ var: 'lateProbability' }, 1e-308] }, 1] },
  { '>': [{ '-': [{ var: ['openAmount', 0] }, -1e308] }, { '*': [1e154, 1e154] }] },
];

/** Registers, in the current describe block, the properties against the database `open` gives. */
export function sameCustomersInMemoryAndSql(open: (rows: typeof rowsSample) => Promise<MatchingDb>): void {
  let db: MatchingDb;
  beforeAll(async () => {
    db = await open(rowsSample);
  });
  afterAll(async () => {
    await db?.close();
  });

  /** The ids memory selects, after checking closures, SQL and explain select them too. */
  async function sameEverywhere(criteria: unknown): Promise<number[]> {
    const ast = parseCriteria(criteria, testRegistry);
    const expected = ids(compileInMemory(ast));
    expect(ids(compileInMemory(ast, { strategy: 'closures' }))).toEqual(expected);
    const { sql, params } = compileSql(ast, testRegistry, 1);
    expect(await db.matchingIds(sql, params, 1)).toEqual(expected);
    for (const r of [...records.slice(0, 10), ...records.slice(-7)]) expect(explain(ast, r).matches).toBe(expected.includes(r.id as number));
    return expected;
  }

  it('selects the same customers everywhere', async () => {
    let selective = 0;
    await fc.assert(
      fc.asyncProperty(criteriaArb({ nullTests: true }), async (criteria) => {
        const expected = await sameEverywhere(criteria);
        if (expected.length > 0 && expected.length < records.length) selective += 1;
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // Guards against a generator whose searches all match everyone or no one.
    expect(selective).toBeGreaterThan(RUNS / 4);
  });

  it('selects the same customers where float8 would overflow or underflow', async () => {
    await fc.assert(
      fc.asyncProperty(criteriaArb({ nullTests: true, extremes: true }), async (criteria) => {
        await sameEverywhere(criteria);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it.each(OVERFLOWS)('answers %j without an error, as memory does', async (criteria) => {
    await sameEverywhere(criteria);
  });
}
