// Arithmetic inside float8's range, written once for memory and once for SQL,
// side by side so the two can be read against each other.
//
// Why: PostgreSQL raises "value out of range" where JavaScript goes on with
// ±Infinity or 0, so `{"*": [{"var": "openAmount"}, 1e308]}` answered 500 in
// SQL and matched with Infinity in memory. An amount beyond float8 is no
// amount a credit manager means, so, like division by zero, a step whose
// result would pass HUGE (in magnitude) has no value, and the null rule makes
// any comparison with it false. A product or quotient too small for a normal
// float8 (below TINY) is 0: for any business purpose that is what it is.
//
// The line is drawn from the operands *before* the operation, by float8 steps
// that cannot raise whatever the operands (every divisor and factor is
// clamped, which also survives PostgreSQL folding constants at plan time),
// and the SQL below performs the same IEEE operations as the JavaScript, so
// both engines decide alike to the last bit, even at the line. Operands are
// finite: fields that are NaN or ±Infinity have no value, literals are JSON.

import type { ArithOp } from './ast.js';

export type Num = number | null;

/** 2^1023 ≈ 9.0e307: a sum, product or quotient beyond it has no value. */
export const HUGE = 2 ** 1023;
/** 2^-1022 ≈ 2.2e-308, the smallest normal float8: a product or quotient below it is 0. */
export const TINY = 2 ** -1022;

/** Same-sign terms whose sum would pass HUGE (hi and lo are the magnitudes). */
const sumTooLarge = (x: number, y: number, hi: number, lo: number): boolean =>
  ((x > 0 && y > 0) || (x < 0 && y < 0)) && hi > HUGE - lo;

export function add(x: Num, y: Num): Num {
  if (x === null || y === null) return null;
  const [ax, ay] = [Math.abs(x), Math.abs(y)];
  return sumTooLarge(x, y, Math.max(ax, ay), Math.min(ax, ay)) ? null : x + y;
}

/** x − y is x + (−y) in IEEE arithmetic, bit for bit. */
export const subtract = (x: Num, y: Num): Num => (y === null ? null : add(x, -y));

export function multiply(x: Num, y: Num): Num {
  if (x === null || y === null) return null;
  const hi = Math.max(Math.abs(x), Math.abs(y));
  const lo = Math.min(Math.abs(x), Math.abs(y));
  if (lo > 1 && hi > HUGE / Math.max(lo, 1)) return null;
  if (x !== 0 && y !== 0 && hi < 1 && lo < TINY / Math.min(Math.max(hi, TINY), 1)) return 0;
  return x * y;
}

export function divide(x: Num, y: Num): Num {
  if (x === null || y === null || y === 0) return null;
  const [ax, ay] = [Math.abs(x), Math.abs(y)];
  if (ay < 1 && ax > HUGE * Math.min(ay, 1)) return null;
  if (x !== 0 && ay > 1 && ax < TINY * Math.max(ay, 1)) return 0;
  return x / y;
}

/**
 * x − y·trunc(x/y), the operations SQL performs too (float8 has no %). A
 * dividend beyond HUGE has no value: y·trunc(x/y) could round past float8.
 */
export function modulo(x: Num, y: Num): Num {
  if (x === null || Math.abs(x) > HUGE) return null;
  const q = divide(x, y);
  return q === null ? null : x - (y as number) * Math.trunc(q);
}

// The same in SQL. Operands are SQL texts that are cheap to repeat (a column,
// a parameter or a bound name: see SqlBuilder.share). A NULL operand makes
// every test unknown, so each CASE falls to its ELSE and yields NULL; the arms
// giving 0 test `<> 0` first because GREATEST/LEAST skip NULLs.

const float8 = (n: number): string => `'${n}'::float8`;
const SQL_HUGE = float8(HUGE);
const SQL_TINY = float8(TINY);

/** The larger and the smaller magnitude of two operands. */
const hiLoSql = (x: string, y: string): [string, string] => [`GREATEST(abs(${x}), abs(${y}))`, `LEAST(abs(${x}), abs(${y}))`];

function addSql(x: string, y: string, result: string): string {
  const [hi, lo] = hiLoSql(x, y);
  return `CASE WHEN (${x} > 0 AND ${y} > 0 OR ${x} < 0 AND ${y} < 0) AND ${hi} > ${SQL_HUGE} - ${lo} THEN NULL ELSE ${result} END`;
}

export const sumSql = (x: string, y: string): string => addSql(x, y, `${x} + ${y}`);

export const differenceSql = (x: string, y: string): string => addSql(x, `(- ${y})`, `${x} - ${y}`);

export function productSql(x: string, y: string): string {
  const [hi, lo] = hiLoSql(x, y);
  return `CASE WHEN ${lo} > 1 AND ${hi} > ${SQL_HUGE} / GREATEST(${lo}, 1) THEN NULL ` +
    `WHEN ${x} <> 0 AND ${y} <> 0 AND ${hi} < 1 AND ${lo} < ${SQL_TINY} / LEAST(GREATEST(${hi}, ${SQL_TINY}), 1) THEN 0 ` +
    `ELSE ${x} * ${y} END`;
}

export function quotientSql(x: string, y: string): string {
  return `CASE WHEN ${y} = 0 THEN NULL ` +
    `WHEN abs(${y}) < 1 AND abs(${x}) > ${SQL_HUGE} * LEAST(abs(${y}), 1) THEN NULL ` +
    `WHEN ${x} <> 0 AND abs(${y}) > 1 AND abs(${x}) < ${SQL_TINY} * GREATEST(abs(${y}), 1) THEN 0 ` +
    `ELSE ${x} / ${y} END`;
}

export const moduloSql = (x: string, y: string): string =>
  `CASE WHEN abs(${x}) > ${SQL_HUGE} THEN NULL ELSE ${x} - ${y} * trunc(${quotientSql(x, y)}) END`;

type Binary<T> = Record<ArithOp, (x: T, y: T) => T>;

/** The binary steps in memory, by operator; the generated code calls them as `A["*"](a, b)`. */
export const ARITH: Readonly<Binary<Num>> = Object.freeze({ '+': add, '-': subtract, '*': multiply, '/': divide, '%': modulo });

export const ARITH_SQL: Readonly<Binary<string>> = Object.freeze({
  '+': sumSql,
  '-': differenceSql,
  '*': productSql,
  '/': quotientSql,
  '%': moduloSql,
});
