// Which JsonLogic operators exist, and which of them a saved search over
// customers may use. The split is deliberate: saved searches must compile to
// SQL with the same answer as in memory, so they get the filter subset only;
// the generic evaluator (POST /v1/criteria/evaluate with an explicit record)
// runs the whole data language.

import { CriteriaError } from './errors.js';
import { FORBIDDEN_SEGMENTS } from './registry.js';
import { forbidden } from './shape.js';

export const SAVED_SEARCH_OPERATORS = [
  'and', 'or', '!', '!!',
  '==', '!=', '===', '!==', '<', '<=', '>', '>=',
  'in', 'startsWith', 'endsWith',
  'var', 'missing', 'missing_some',
  'if', '?:',
  '+', '-', '*', '/', '%', 'min', 'max',
] as const;

/** Operators the generic evaluator runs beyond the saved-search subset. */
export const DATA_ONLY_OPERATORS = [
  'map', 'filter', 'reduce', 'all', 'some', 'none',
  'merge', 'cat', 'substr',
  'val', 'exists', '??',
  'try', 'throw', 'preserve',
] as const;

export type SavedSearchOperator = (typeof SAVED_SEARCH_OPERATORS)[number];
export type JsonLogicOperator = SavedSearchOperator | (typeof DATA_ONLY_OPERATORS)[number];

const SAVED = new Set<string>(SAVED_SEARCH_OPERATORS);
const ALL = new Set<string>([...SAVED_SEARCH_OPERATORS, ...DATA_ONLY_OPERATORS]);

export const isJsonLogicOperator = (op: string): op is JsonLogicOperator => ALL.has(op);
export const isSavedSearchOperator = (op: string): op is SavedSearchOperator => SAVED.has(op);

/** The error for an operator the caller cannot run, worded for the situation. */
export function refuseOperator(op: string, path: string, savedSearch: boolean): CriteriaError {
  if (FORBIDDEN_SEGMENTS.has(op)) return forbidden(path, op);
  if (savedSearch && ALL.has(op)) {
    return new CriteriaError(
      'AR_ERR_CRITERIA_UNSUPPORTED_OPERATOR',
      `"${op}" is JsonLogic but saved searches over customers only filter; use one of: ${SAVED_SEARCH_OPERATORS.join(' ')}`,
      { path, details: { operator: op, allowed: [...SAVED_SEARCH_OPERATORS] } },
    );
  }
  const allowed = savedSearch ? [...SAVED_SEARCH_OPERATORS] : [...ALL];
  return new CriteriaError('AR_ERR_CRITERIA_UNKNOWN_OPERATOR', `unknown operator "${op}"; known operators: ${allowed.join(' ')}`, {
    path,
    details: { operator: op, allowed },
  });
}
