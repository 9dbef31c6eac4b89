// Random customers and random well-typed saved searches over testRegistry.
// Domains are small on purpose so equalities, boundaries and empty strings
// happen often. Numbers stay far from float8 overflow/underflow unless asked
// (`extremes`): then literals near float8's limits and near the lines arith.ts
// draws make the guarded arithmetic decide, on both sides of those lines.

import fc from 'fast-check';
import { GROUPS, SEGMENTS, type CustomerRow } from './factories.js';

const DATES = ['2024-12-31', '2025-01-01', '2025-01-15', '2025-02-28', '2025-03-01'];
const NAMES = ['ACME Corp', 'Acme', 'acme', 'Zeta GmbH', 'éclair SA', 'ACME', '', 'Beta'];
const PARTS = ['ACME', 'Ac', 'a', '', 'GmbH', 'SA', 'é', 'Corp'];

const nullable = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
  fc.option(arb, { freq: 5, nil: null }) as fc.Arbitrary<T | null>;

const cents = (min: number, max: number) => fc.integer({ min: min * 100, max: max * 100 }).map((c) => c / 100);

export function rowsArb(count: number): fc.Arbitrary<CustomerRow[]> {
  const row = fc.record({
    invoiced: nullable(fc.oneof(fc.integer({ min: 0, max: 60 }), cents(0, 60))),
    paid: nullable(fc.oneof(fc.integer({ min: 0, max: 30 }), cents(0, 30))),
    days_late: nullable(fc.integer({ min: -5, max: 50 })),
    late_probability: nullable(fc.constantFrom(0, 0.1, 0.25, 0.5, 0.7, 0.75, 1)),
    credit_limit: nullable(cents(0, 50)),
    segment: nullable(fc.constantFrom(...SEGMENTS)),
    name: nullable(fc.constantFrom(...NAMES)),
    strategic: nullable(fc.boolean()),
    due_date: nullable(fc.constantFrom(...DATES)),
    last_payment_date: nullable(fc.constantFrom(...DATES)),
    groups: nullable(fc.subarray(GROUPS)),
  });
  return fc.array(row, { minLength: count, maxLength: count }).map((rows) => rows.map((r, id) => ({ id: id + 1, ...r })));
}

/** Rows without any null, for comparing against plain JsonLogic semantics. */
export function completeRowsArb(count: number): fc.Arbitrary<CustomerRow[]> {
  return rowsArb(count * 4).map((rows) =>
    rows
      .filter((r) => Object.values(r).every((v) => v !== null))
      .concat(rows.map((r, i) => fillNulls(r, i)))
      .slice(0, count)
      .map((r, i) => ({ ...r, id: i + 1 })),
  );
}

function fillNulls(r: CustomerRow, i: number): CustomerRow {
  return {
    id: r.id,
    invoiced: r.invoiced ?? i % 40,
    paid: r.paid ?? i % 7,
    days_late: r.days_late ?? (i % 55) - 5,
    late_probability: r.late_probability ?? 0.5,
    credit_limit: r.credit_limit ?? 10,
    segment: r.segment ?? SEGMENTS[i % SEGMENTS.length],
    name: r.name ?? NAMES[i % NAMES.length],
    strategic: r.strategic ?? i % 2 === 0,
    due_date: r.due_date ?? DATES[i % DATES.length],
    last_payment_date: r.last_payment_date ?? DATES[(i + 2) % DATES.length],
    groups: r.groups ?? GROUPS.slice(0, i % 3),
  };
}

export interface CriteriaArbOptions {
  /** Include `{"==": [x, null]}` tests (saved-search "is null", not JsonLogic loose equality). */
  nullTests: boolean;
  /** Mix in literals that overflow or underflow float8 when combined. */
  extremes?: boolean;
}

const SQRT_HUGE = Math.sqrt(2 ** 1023);
const SQRT_TINY = Math.sqrt(2 ** -1022);
/** Beyond and around float8's limits, and around HUGE/TINY and their square roots. */
const EXTREME_NUMBERS = [
  1e308, -1e308, Number.MAX_VALUE, 2 ** 1023, -(2 ** 1023), 1.5e307, -3e306, 1e154, SQRT_HUGE, SQRT_HUGE * (1 + 2 ** -52),
  1e-308, -1e-308, 5e-324, 2 ** -1022, 1e-154, SQRT_TINY, SQRT_TINY * (1 - 2 ** -53), 2 ** -537,
];

type Json = unknown;
const v = (name: string): Json => ({ var: name });
const COMPARE = ['==', '!=', '===', '!==', '<', '<=', '>', '>='];
const ORDER = ['<', '<=', '>', '>='];
const NUM_FIELDS = ['openAmount', 'daysLate', 'lateProbability', 'creditLimit'];
const ALL_FIELDS = [...NUM_FIELDS, 'segment', 'name', 'strategic', 'dueDate', 'lastPaymentDate', 'groups'];

export function criteriaArb(options: CriteriaArbOptions): fc.Arbitrary<Json> {
  const plainLit = fc.oneof(fc.integer({ min: -5, max: 50 }), fc.constantFrom(0, 0.5, 0.7, 1.25, 10.1, 12.5));
  const numLit = options.extremes ? fc.oneof(plainLit, fc.constantFrom(...EXTREME_NUMBERS)) : plainLit;
  const intOperand = fc.oneof(fc.constant(v('daysLate')), fc.integer({ min: -10, max: 20 }));
  const strLit = fc.constantFrom(...NAMES, ...SEGMENTS);
  const dateLit = fc.constantFrom(...DATES);

  const tree = fc.letrec<{ cond: Json; num: Json; str: Json; date: Json }>((tie) => ({
    num: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom(...NUM_FIELDS).map(v),
      numLit,
      fc.tuple(fc.constantFrom(...NUM_FIELDS), numLit).map(([f, d]) => ({ var: [f, d] })),
      fc.tuple(fc.constantFrom('+', '-', '*', '/', 'min', 'max'), tie('num'), tie('num')).map(([op, a, b]) => ({ [op]: [a, b] })),
      fc.tuple(tie('num'), tie('num'), tie('num')).map(([a, b, c]) => ({ '+': [a, b, c] })),
      tie('num').map((a) => ({ '-': [a] })),
      fc.tuple(intOperand, intOperand).map(([a, b]) => ({ '%': [a, b] })),
      fc.tuple(tie('cond'), tie('num'), tie('num')).map(([c, a, b]) => ({ if: [c, a, b] })),
    ),
    str: fc.oneof(
      fc.constantFrom('name', 'segment').map(v),
      strLit,
      fc.tuple(tie('cond'), fc.constant(v('name')), strLit).map(([c, a, b]) => ({ '?:': [c, a, b] })),
    ),
    date: fc.oneof(fc.constantFrom('dueDate', 'lastPaymentDate').map(v), dateLit),
    cond: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.tuple(fc.constantFrom(...COMPARE), tie('num'), tie('num')).map(([op, a, b]) => ({ [op]: [a, b] })),
      fc.tuple(fc.constantFrom('<', '<='), tie('num'), tie('num'), tie('num')).map(([op, a, b, c]) => ({ [op]: [a, b, c] })),
      fc.tuple(fc.constantFrom(...COMPARE), fc.constant(v('name')), tie('str')).map(([op, a, b]) => ({ [op]: [a, b] })),
      fc.tuple(fc.constantFrom('==', '!='), fc.constant(v('segment')), fc.constantFrom(...SEGMENTS)).map(([op, a, b]) => ({ [op]: [a, b] })),
      fc.tuple(fc.constantFrom(...ORDER, '==', '!='), tie('date'), tie('date')).map(([op, a, b]) => ({ [op]: [a, b] })),
      fc.tuple(fc.constantFrom('==', '!='), fc.boolean()).map(([op, b]) => ({ [op]: [v('strategic'), b] })),
      fc.subarray(SEGMENTS).map((list) => ({ in: [v('segment'), list] })),
      fc.tuple(tie('num'), fc.array(numLit, { maxLength: 12 })).map(([n, list]) => ({ in: [n, list] })),
      fc.tuple(fc.constantFrom(...PARTS), tie('str')).map(([p, s]) => ({ in: [p, s] })),
      fc.tuple(fc.constantFrom('startsWith', 'endsWith'), fc.constantFrom(...PARTS)).map(([op, p]) => ({ [op]: [v('name'), p] })),
      fc.constantFrom(...GROUPS).map((g) => ({ in: [g, v('groups')] })),
      fc.constantFrom(...ALL_FIELDS).map(v),
      fc.constantFrom(...ALL_FIELDS).map((f) => ({ '!!': v(f) })),
      tie('num').map((n) => ({ '!!': [n] })),
      fc.subarray(ALL_FIELDS, { minLength: 1, maxLength: 3 }).map((fs) => ({ missing: fs })),
      fc
        .subarray(ALL_FIELDS, { minLength: 1, maxLength: 4 })
        .chain((fs) => fc.integer({ min: 1, max: fs.length }).map((n) => ({ missing_some: [n, fs] }))),
      ...(options.nullTests
        ? [fc.tuple(fc.constantFrom('==', '!=', '===', '!=='), fc.constantFrom(...ALL_FIELDS)).map(([op, f]) => ({ [op]: [v(f), null] }))]
        : []),
      fc.constantFrom(true, false),
      fc.array(tie('cond'), { minLength: 1, maxLength: 3 }).map((cs) => ({ and: cs })),
      fc.array(tie('cond'), { minLength: 1, maxLength: 3 }).map((cs) => ({ or: cs })),
      tie('cond').map((c) => ({ '!': c })),
      tie('cond').map((c) => ({ '!': [c] })),
      fc.tuple(tie('cond'), tie('cond'), tie('cond')).map(([a, b, c]) => ({ if: [a, b, c] })),
      fc.tuple(tie('cond'), tie('cond'), tie('cond'), tie('cond'), tie('cond')).map((cs) => ({ if: cs })),
    ),
  }));
  return tree.cond;
}
