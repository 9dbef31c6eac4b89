// Values inside a saved search: field reads, literals, arithmetic, min/max and
// value-`if`. Each gets a static type from the registry so comparisons can be
// checked before anything runs.

import type { Choose, Condition, FieldRef, Literal, ValueNode } from './ast.js';
import { CriteriaError } from './errors.js';
import { refuseOperator } from './operators.js';
import { FORBIDDEN_SEGMENTS, type FieldDef, type FieldRegistry, type FieldType } from './registry.js';
import { forbidden, isPlainObject, pointer } from './shape.js';
import { suggestFields } from './suggest.js';

export interface ParseContext {
  registry: FieldRegistry;
  fields: Set<string>;
  /** Provided by the condition parser (value-`if` needs conditions). */
  condition: (json: unknown, path: string) => Condition;
}

/** A bare JSON null in the criteria; only `==`/`!=` and `if` branches accept it. */
export interface NullMark {
  kind: 'null';
  path: string;
}

export type Parsed = ValueNode | NullMark;

const CONDITION_OPERATORS = new Set([
  'and', 'or', '!', '!!', '==', '!=', '===', '!==', '<', '<=', '>', '>=', 'in', 'startsWith', 'endsWith', 'missing', 'missing_some',
]);

/** Splits `{op: args}`; refuses `{}` and multi-key objects, which are not rules. */
export function operatorOf(json: Record<string, unknown>, path: string): [string, unknown] {
  const keys = Object.keys(json);
  if (keys.length !== 1) {
    throw new CriteriaError(
      'AR_ERR_CRITERIA_MALFORMED',
      `a rule is an object with exactly one operator key, got ${keys.length === 0 ? 'an empty object' : `keys ${keys.join(', ')}`}`,
      { path },
    );
  }
  return [keys[0], json[keys[0]]];
}

/** JsonLogic lets a single argument skip its array: `{"!": x}` = `{"!": [x]}`. */
export const argList = (raw: unknown): unknown[] => (Array.isArray(raw) ? raw : [raw]);

/** Path of argument i, matching whether the criteria wrote an array or a single argument. */
export const argPath = (path: string, op: string, raw: unknown, i: number): string =>
  Array.isArray(raw) ? pointer(path, op, i) : pointer(path, op);

export function arityError(path: string, op: string, expected: string, example: string): CriteriaError {
  return new CriteriaError('AR_ERR_CRITERIA_ARGUMENTS', `"${op}" takes ${expected}, e.g. ${example}`, {
    path,
    jsonLogicType: 'Invalid Arguments',
  });
}

export function parseValue(json: unknown, path: string, ctx: ParseContext): Parsed {
  if (json === null) return { kind: 'null', path };
  if (typeof json === 'number') return { kind: 'literal', type: 'number', value: json, path };
  if (typeof json === 'string') return { kind: 'literal', type: 'string', value: json, path };
  if (typeof json === 'boolean') return { kind: 'literal', type: 'boolean', value: json, path };
  if (!isPlainObject(json)) {
    throw new CriteriaError('AR_ERR_CRITERIA_TYPE', 'a list is only allowed as the right side of "in"', { path });
  }
  const [op, raw] = operatorOf(json, path);
  switch (op) {
    case 'var':
      return parseVar(raw, path, ctx);
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      return parseArith(op, raw, path, ctx);
    case 'min':
    case 'max':
      return parseMinMax(op, raw, path, ctx);
    case 'if':
    case '?:':
      return parseChoose(op, raw, path, ctx);
    default:
      if (CONDITION_OPERATORS.has(op)) {
        throw new CriteriaError(
          'AR_ERR_CRITERIA_TYPE',
          `"${op}" yields true or false; combine conditions with and/or/! instead of using one as a value`,
          { path },
        );
      }
      throw refuseOperator(op, path, true);
  }
}

/** A value that must exist (comparisons, arithmetic): refuses a bare null. */
export function parseDefinite(json: unknown, path: string, ctx: ParseContext, role: string): ValueNode {
  const v = parseValue(json, path, ctx);
  if (v.kind === 'null') {
    throw new CriteriaError(
      'AR_ERR_CRITERIA_TYPE',
      `${role} cannot be null; to select customers without a value use {"==": [{"var": "field"}, null]} or "missing"`,
      { path },
    );
  }
  return v;
}

function parseVar(raw: unknown, path: string, ctx: ParseContext): FieldRef {
  const args = argList(raw);
  const namePath = Array.isArray(raw) ? pointer(path, 'var', 0) : pointer(path, 'var');
  if (args.length < 1 || args.length > 2 || typeof args[0] !== 'string') {
    throw arityError(path, 'var', 'a field name and an optional default', '{"var": "daysLate"} or {"var": ["daysLate", 0]}');
  }
  const name = args[0];
  for (const segment of name.split('.')) {
    if (FORBIDDEN_SEGMENTS.has(segment)) throw forbidden(namePath, segment);
  }
  const def = lookupField(name, namePath, ctx.registry);
  ctx.fields.add(def.name);
  const ref: FieldRef = { kind: 'field', name: def.name, type: def.type, path };
  if (args.length === 2 && args[1] !== null) {
    const fbPath = pointer(path, 'var', 1);
    if (def.type === 'stringList') {
      throw new CriteriaError('AR_ERR_CRITERIA_TYPE', `${def.name} is a list of groups; it takes no default`, { path: fbPath });
    }
    const lit = parseValue(args[1], fbPath, ctx);
    if (lit.kind !== 'literal') {
      throw new CriteriaError('AR_ERR_CRITERIA_TYPE', 'the default of "var" must be a plain value', { path: fbPath });
    }
    ref.fallback = conform(lit, def.type, def, `the default of ${def.name}`) as Literal;
  }
  return ref;
}

export function lookupField(name: string, path: string, registry: FieldRegistry): FieldDef {
  const def = registry.get(name);
  if (def) return def;
  const close = suggestFields(name, [...registry.keys()]);
  const hint = close.length > 0 ? `; did you mean ${close.join(' or ')}?` : '';
  throw new CriteriaError('AR_ERR_CRITERIA_UNKNOWN_FIELD', `no customer field named "${name}"${hint}`, {
    path,
    details: { field: name, suggestions: close },
  });
}

function parseNumbers(op: string, raw: unknown, path: string, ctx: ParseContext): ValueNode[] {
  return argList(raw).map((a, i) => {
    const at = argPath(path, op, raw, i);
    const v = parseDefinite(a, at, ctx, `an argument of "${op}"`);
    if (v.type !== 'number') {
      throw new CriteriaError('AR_ERR_CRITERIA_TYPE', `"${op}" works on numbers, but ${describe(v)} is a ${v.type}`, { path: at });
    }
    return v;
  });
}

function parseArith(op: '+' | '-' | '*' | '/' | '%', raw: unknown, path: string, ctx: ParseContext): ValueNode {
  const args = parseNumbers(op, raw, path, ctx);
  const n = args.length;
  // json-logic-js reads only two operands for - / %; n-ary forms would mean
  // different things to different engines, so they are refused.
  const ok = op === '+' || op === '*' ? n >= 1 : op === '-' ? n === 1 || n === 2 : n === 2;
  if (!ok) {
    const expected = op === '-' ? 'one or two numbers' : op === '+' || op === '*' ? 'one or more numbers' : 'exactly two numbers';
    throw arityError(path, op, expected, `{"${op}": [{"var": "openAmount"}, 2]}`);
  }
  return { kind: 'arith', op, type: 'number', args, path };
}

function parseMinMax(op: 'min' | 'max', raw: unknown, path: string, ctx: ParseContext): ValueNode {
  const args = parseNumbers(op, raw, path, ctx);
  if (args.length === 0) throw arityError(path, op, 'one or more numbers', `{"${op}": [{"var": "daysLate"}, 30]}`);
  return { kind: 'minmax', op, type: 'number', args, path };
}

function parseChoose(op: string, raw: unknown, path: string, ctx: ParseContext): Choose {
  if (!Array.isArray(raw) || raw.length < 2) {
    throw arityError(path, op, 'a condition, a value and more pairs or a fallback', `{"${op}": [{"var": "strategic"}, 10, 30]}`);
  }
  const branches: { when: Condition; then: Parsed }[] = [];
  let i = 0;
  for (; i + 1 < raw.length; i += 2) {
    branches.push({
      when: ctx.condition(raw[i], pointer(path, op, i)),
      then: parseValue(raw[i + 1], pointer(path, op, i + 1), ctx),
    });
  }
  const otherwise: Parsed = i < raw.length ? parseValue(raw[i], pointer(path, op, i), ctx) : { kind: 'null', path };
  const typed = [...branches.map((b) => b.then), otherwise].filter((v): v is ValueNode => v.kind !== 'null');
  if (typed.length === 0) throw new CriteriaError('AR_ERR_CRITERIA_TYPE', `every branch of "${op}" is null`, { path });
  const type = anchorOf(typed).type;
  const settle = (v: Parsed): ValueNode =>
    v.kind === 'null' ? nullOf(type, v.path) : conform(v, type, undefined, `a branch of "${op}"`);
  return {
    kind: 'choose',
    type,
    branches: branches.map((b) => ({ when: b.when, then: settle(b.then) })),
    otherwise: settle(otherwise),
    path,
  };
}

function nullOf(type: FieldType, path: string): ValueNode {
  if (type === 'stringList') {
    throw new CriteriaError('AR_ERR_CRITERIA_TYPE', 'a list of groups cannot be chosen against null', { path });
  }
  return { kind: 'literal', type, value: null, path };
}

/** The operand that fixes the type of a comparison: the first non-literal. */
export const anchorOf = (nodes: ValueNode[]): ValueNode => nodes.find((n) => n.kind !== 'literal') ?? nodes[0];

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= days;
}

/**
 * Makes `node` usable where `type` is expected: a string literal becomes a
 * date when compared with a date; anything else must already match.
 */
export function conform(
  node: ValueNode,
  type: FieldType,
  field: FieldDef | undefined,
  role: string,
  against?: ValueNode,
): ValueNode {
  if (node.kind === 'literal' && node.type === 'string' && type === 'date') {
    if (typeof node.value !== 'string' || !isIsoDate(node.value)) {
      throw new CriteriaError('AR_ERR_CRITERIA_VALUE', `${role}: "${String(node.value)}" is not a date; write it as YYYY-MM-DD`, {
        path: node.path,
      });
    }
    return { ...node, type: 'date' };
  }
  if (node.type !== type) {
    const expected = against ? `${describe(against)} is a ${type}` : `a ${type} is expected here`;
    throw new CriteriaError(
      'AR_ERR_CRITERIA_TYPE',
      `${role}: ${describe(node)} is a ${node.type} but ${expected}`,
      { path: node.path, details: { expected: type, got: node.type } },
    );
  }
  if (field?.enumValues && node.kind === 'literal' && typeof node.value === 'string' && !field.enumValues.includes(node.value)) {
    throw new CriteriaError(
      'AR_ERR_CRITERIA_VALUE',
      `${field.name} has no value "${node.value}"; known values: ${field.enumValues.join(', ')}`,
      { path: node.path, details: { field: field.name, allowed: field.enumValues } },
    );
  }
  return node;
}

/** Short words for a node in error messages. */
export function describe(node: ValueNode): string {
  switch (node.kind) {
    case 'field':
      return node.name;
    case 'literal':
      return JSON.stringify(node.value);
    case 'arith':
      return `the result of "${node.op}"`;
    case 'minmax':
      return `the ${node.op}imum`;
    case 'choose':
      return 'the result of "if"';
  }
}
