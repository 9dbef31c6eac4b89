// Criteria engine: saved dynamic searches over customers (JsonLogic validated
// against the field registry, compiled to an in-memory function and to SQL
// with one null rule) and a generic JsonLogic evaluator with explanations.

export type { CriteriaAst, Condition, ValueNode, Literal, Scalar, CustomerRecord, CompareOp } from './ast.js';
export type { FieldDef, FieldRegistry, FieldType } from './registry.js';
export { defineFieldRegistry, FIELD_NAME_PATTERN, FORBIDDEN_SEGMENTS } from './registry.js';
export { CriteriaError, CRITERIA_ERRORS, isCriteriaError, type CriteriaErrorCode } from './errors.js';
export { DEFAULT_LIMITS, INPUT_LIMITS, type CriteriaLimits } from './shape.js';
export { SAVED_SEARCH_OPERATORS, DATA_ONLY_OPERATORS } from './operators.js';
export type { Explanation, ExplainNode } from './explanation.js';

export { parseCriteria } from './parse.js';
export {
  compileInMemory,
  compileInMemoryBatch,
  type CompiledBatch,
  type CompiledCriteria,
  type InMemoryOptions,
} from './compile-memory.js';
export { compileSql, type SqlFragment } from './compile-sql.js';
export { explain } from './explain.js';
export { evaluateRecord, applyJsonLogic, type EvaluationResult, type EvaluateRecordOptions } from './evaluate-record.js';
