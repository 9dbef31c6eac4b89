// Criteria of saved searches are validated against the customer field
// registry. A refusal keeps the criteria engine's stable code
// (AR_ERR_CRITERIA_UNKNOWN_FIELD, ..._FORBIDDEN_PATH, ...) and carries the JSON
// Pointer of the offending node, so a query-builder UI can point at it.
// Numbers are bounded here (INPUT_LIMITS: 1e308 in a search is a typo); the
// assignment engine reads stored criteria without that bound.
import { INPUT_LIMITS, isCriteriaError, parseCriteria, type CriteriaAst } from '../criteria/index.js';
import { CUSTOMER_FIELDS } from '../fields/registry.js';

/** Gives a CriteriaError the problem+json extras the HTTP layer renders. */
export function withProblemExtras(err: unknown): unknown {
  if (isCriteriaError(err)) {
    const { code: _code, message: _message, title: _title, ...extras } = err.toJSON();
    Object.assign(err, { extras });
  }
  return err;
}

export function validateCriteria(json: unknown): CriteriaAst {
  try {
    return parseCriteria(json, CUSTOMER_FIELDS, INPUT_LIMITS);
  } catch (err) {
    throw withProblemExtras(err);
  }
}
