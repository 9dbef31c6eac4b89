// Every way a criterion can be refused or fail, as stable codes. The HTTP layer
// renders a CriteriaError as problem+json with `statusCode`; `path` is a JSON
// Pointer into the submitted criteria so a query-builder UI can highlight the
// offending rule.

export const CRITERIA_ERRORS = {
  AR_ERR_CRITERIA_MALFORMED: { statusCode: 400, title: 'Criteria are not a JsonLogic rule' },
  AR_ERR_CRITERIA_UNKNOWN_FIELD: { statusCode: 400, title: 'Unknown customer field' },
  AR_ERR_CRITERIA_UNKNOWN_OPERATOR: { statusCode: 400, title: 'Unknown operator' },
  AR_ERR_CRITERIA_UNSUPPORTED_OPERATOR: {
    statusCode: 400,
    title: 'Operator not available in saved searches',
  },
  AR_ERR_CRITERIA_FORBIDDEN_PATH: { statusCode: 400, title: 'Forbidden property path' },
  AR_ERR_CRITERIA_TYPE: { statusCode: 400, title: 'Type mismatch' },
  AR_ERR_CRITERIA_VALUE: { statusCode: 400, title: 'Invalid value' },
  AR_ERR_CRITERIA_ARGUMENTS: { statusCode: 400, title: 'Invalid arguments' },
  AR_ERR_CRITERIA_TOO_DEEP: { statusCode: 400, title: 'Criteria nested too deeply' },
  AR_ERR_CRITERIA_TOO_LARGE: { statusCode: 400, title: 'Criteria too large' },
  AR_ERR_CRITERIA_EVALUATION: { statusCode: 422, title: 'Criteria could not be evaluated' },
  AR_ERR_CRITERIA_BUDGET: { statusCode: 422, title: 'Evaluation too costly' },
} as const;

export type CriteriaErrorCode = keyof typeof CRITERIA_ERRORS;

export interface CriteriaErrorOptions {
  /** JSON Pointer to the node at fault, "" for the whole criteria. */
  path?: string;
  /**
   * The JsonLogic error class ("Invalid Arguments", "NaN" or a thrown type),
   * as the community test suites name it. Set for ARGUMENTS and EVALUATION.
   */
  jsonLogicType?: string;
  /** Machine-readable hints for a UI: allowed operators, close field names... */
  details?: Record<string, unknown>;
  /** Whether a JsonLogic `try` may catch it (runtime errors only). */
  catchable?: boolean;
  /** Payload of a JsonLogic `throw`, handed to the `try` fallback. */
  thrown?: unknown;
}

export class CriteriaError extends Error {
  readonly code: CriteriaErrorCode;
  readonly statusCode: number;
  readonly path: string;
  readonly jsonLogicType?: string;
  readonly details?: Record<string, unknown>;
  readonly catchable: boolean;
  readonly thrown?: unknown;

  constructor(code: CriteriaErrorCode, message: string, options: CriteriaErrorOptions = {}) {
    super(message);
    this.name = 'CriteriaError';
    this.code = code;
    this.statusCode = CRITERIA_ERRORS[code].statusCode;
    this.path = options.path ?? '';
    this.jsonLogicType = options.jsonLogicType;
    this.details = options.details;
    this.catchable = options.catchable ?? false;
    this.thrown = options.thrown;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      title: CRITERIA_ERRORS[this.code].title,
      message: this.message,
      path: this.path,
      ...(this.jsonLogicType === undefined ? {} : { jsonLogicType: this.jsonLogicType }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

export const isCriteriaError = (e: unknown): e is CriteriaError => e instanceof CriteriaError;
