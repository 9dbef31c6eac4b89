// JsonLogic value rules for arbitrary records, following the community
// specification pinned by the compat-tables suites: JavaScript truthiness
// except that [] is falsy; numbers from null/booleans/numeric strings; a
// comparison or arithmetic that would produce NaN is an error, not a value.

import { CriteriaError } from '../errors.js';

export const isCompound = (v: unknown): boolean => v !== null && typeof v === 'object';

export function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  return Boolean(v);
}

/** null → 0, booleans → 0/1, strings as written ("" → 0); arrays and objects → NaN. */
export function toNumber(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return Number(v);
  return NaN;
}

export function nanError(path: string, what: string): CriteriaError {
  return new CriteriaError('AR_ERR_CRITERIA_EVALUATION', `${what} is not a number`, {
    path,
    jsonLogicType: 'NaN',
    catchable: true,
  });
}

export function invalidArguments(path: string, why: string): CriteriaError {
  return new CriteriaError('AR_ERR_CRITERIA_EVALUATION', why, {
    path,
    jsonLogicType: 'Invalid Arguments',
    catchable: true,
  });
}

/** Numbers for a comparison; NaN is an error unless a null is involved (then the comparison is just false). */
function numericPair(a: unknown, b: unknown, path: string): [number, number] | null {
  if (isCompound(a) || isCompound(b)) throw nanError(path, 'a list or object');
  const x = toNumber(a);
  const y = toNumber(b);
  if (Number.isNaN(x) || Number.isNaN(y)) {
    if (a === null || b === null || a === undefined || b === undefined) return null;
    throw nanError(path, JSON.stringify(Number.isNaN(x) ? a : b));
  }
  return [x, y];
}

export function looseEquals(a: unknown, b: unknown, path: string): boolean {
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (typeof a === typeof b && !isCompound(a) && !isCompound(b)) return a === b;
  const pair = numericPair(a, b, path);
  return pair !== null && pair[0] === pair[1];
}

export function strictEquals(a: unknown, b: unknown): boolean {
  return (a ?? null) === (b ?? null);
}

export function ordered(op: '<' | '<=' | '>' | '>=', a: unknown, b: unknown, path: string): boolean {
  let x: number | string;
  let y: number | string;
  if (typeof a === 'string' && typeof b === 'string') {
    x = a;
    y = b;
  } else {
    const pair = numericPair(a, b, path);
    if (pair === null) return false;
    [x, y] = pair;
  }
  switch (op) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
  }
}

/** Text as `cat` and `substr` see it: null is empty. */
export const asText = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
