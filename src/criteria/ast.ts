// The validated, typed form of a saved search over customers. Both compilers
// and the explainer read only this; it is plain JSON so it can be cached or
// stored beside the JsonLogic it came from. Every node keeps the JSON Pointer
// of the JsonLogic node it came from, for errors and explanations.

import type { FieldType } from './registry.js';

export type ScalarType = Exclude<FieldType, 'stringList'>;
export type Scalar = number | string | boolean;

export interface FieldRef {
  kind: 'field';
  name: string;
  type: FieldType;
  /** `{"var": [name, default]}`: used when the record has no value. */
  fallback?: Literal;
  path: string;
}

export interface Literal {
  kind: 'literal';
  type: ScalarType;
  /** null only as a branch of a value-`if` with no value. */
  value: Scalar | null;
  path: string;
}

export type ArithOp = '+' | '-' | '*' | '/' | '%';

export interface Arith {
  kind: 'arith';
  op: ArithOp;
  type: 'number';
  args: ValueNode[];
  path: string;
}

export interface MinMax {
  kind: 'minmax';
  op: 'min' | 'max';
  type: 'number';
  args: ValueNode[];
  path: string;
}

/** `if` used as a value: the first branch whose condition holds, else `otherwise`. */
export interface Choose {
  kind: 'choose';
  type: FieldType;
  branches: { when: Condition; then: ValueNode }[];
  otherwise: ValueNode;
  path: string;
}

export type ValueNode = FieldRef | Literal | Arith | MinMax | Choose;

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

export type Condition =
  | { kind: 'const'; value: boolean; path: string }
  | { kind: 'and' | 'or'; args: Condition[]; path: string }
  | { kind: 'not'; arg: Condition; path: string }
  /** Chained: every adjacent pair must hold (3 operands = between). */
  | { kind: 'compare'; op: CompareOp; source: string; operands: ValueNode[]; path: string }
  /** `{"==": [x, null]}` / `{"!=": [x, null]}`, as query builders write "is (not) null". */
  | { kind: 'isNull'; value: ValueNode; negate: boolean; path: string }
  | { kind: 'inList'; value: ValueNode; list: ValueNode[]; path: string }
  /** Substring: `{"in": ["abc", {"var": "name"}]}`. */
  | { kind: 'contains'; text: ValueNode; part: ValueNode; path: string }
  | { kind: 'affix'; where: 'start' | 'end'; text: ValueNode; part: ValueNode; path: string }
  /** Membership in a stringList field: `{"in": ["vip", {"var": "groups"}]}`. */
  | { kind: 'member'; list: ValueNode; item: ValueNode; path: string }
  | { kind: 'truthy'; value: ValueNode; path: string }
  /** `missing` (need = null: true when any is missing) or `missing_some` (true when fewer than need are present). */
  | { kind: 'missing'; fields: { name: string; type: FieldType }[]; need: number | null; source: string; path: string }
  | { kind: 'cond'; branches: { when: Condition; then: Condition }[]; otherwise: Condition; path: string };

export interface CriteriaAst {
  version: 1;
  root: Condition;
  /** Every registry field the criteria read, for change-driven re-evaluation. */
  fields: string[];
}

/** A customer as the in-memory compiler sees it: field name → value. */
export type CustomerRecord = Readonly<Record<string, unknown>>;
