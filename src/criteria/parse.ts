// JsonLogic → typed AST for saved searches over customers. Every refusal is a
// CriteriaError with a code and the JSON Pointer of the node at fault. What is
// accepted is exactly what both compilers (in memory and SQL) can run with the
// same answer; see README.md for the subset and the null rule.

import type { CompareOp, Condition, CriteriaAst, ValueNode } from './ast.js';
import { CriteriaError } from './errors.js';
import { refuseOperator } from './operators.js';
import {
  anchorOf,
  argList,
  argPath,
  arityError,
  conform,
  describe,
  lookupField,
  operatorOf,
  parseDefinite,
  parseValue,
  type ParseContext,
} from './parse-value.js';
import { FORBIDDEN_SEGMENTS, type FieldDef, type FieldRegistry } from './registry.js';
import { checkShape, DEFAULT_LIMITS, forbidden, isPlainObject, pointer, type CriteriaLimits } from './shape.js';

export function parseCriteria(json: unknown, registry: FieldRegistry, limits: CriteriaLimits = DEFAULT_LIMITS): CriteriaAst {
  refuseConstantRoot(json);
  checkShape(json, limits);
  const ctx: ParseContext = { registry, fields: new Set(), condition: (j, p) => parseCondition(j, p, ctx) };
  const root = parseCondition(json, '', ctx);
  return { version: 1, root, fields: [...ctx.fields].sort() };
}

// A string or number is a valid JsonLogic condition (its truthiness), but as a
// whole saved search it is a mistake that matches the whole portfolio: most
// often the criteria were JSON-encoded twice. Inside a rule, constants stay.
function refuseConstantRoot(json: unknown): void {
  if (typeof json !== 'string' && typeof json !== 'number') return;
  const text = typeof json === 'string' ? json.trimStart() : '';
  const what = typeof json === 'string'
    ? `the text ${JSON.stringify(json.slice(0, 40))}${json.length > 40 ? '...' : ''}`
    : `the number ${JSON.stringify(json)}`;
  const message = text.startsWith('{') || text.startsWith('[')
    ? 'criteria is a JSON string: send the JsonLogic object, not its text'
    : `criteria must be a rule such as {">": [{"var": "daysLate"}, 30]} or true/false, not ${what}`;
  throw new CriteriaError('AR_ERR_CRITERIA_TYPE', message, { path: '' });
}

function parseCondition(json: unknown, path: string, ctx: ParseContext): Condition {
  if (typeof json === 'boolean') return { kind: 'const', value: json, path };
  if (typeof json === 'number' || typeof json === 'string') {
    // JsonLogic truthiness of a constant; builders emit {"!!": [0]} and the like.
    return { kind: 'truthy', value: parseDefinite(json, path, ctx, 'a condition'), path };
  }
  if (!isPlainObject(json)) {
    throw new CriteriaError(
      'AR_ERR_CRITERIA_TYPE',
      `a condition must be a rule such as {">": [{"var": "daysLate"}, 30]} or true/false, not ${JSON.stringify(json)}`,
      { path },
    );
  }
  const [op, raw] = operatorOf(json, path);
  switch (op) {
    case 'and':
    case 'or': {
      if (!Array.isArray(raw) || raw.length === 0) {
        throw arityError(path, op, 'a non-empty list of conditions', `{"${op}": [{"var": "strategic"}, {">": [{"var": "daysLate"}, 30]}]}`);
      }
      return { kind: op, args: raw.map((c, i) => parseCondition(c, pointer(path, op, i), ctx)), path };
    }
    case '!':
    case '!!': {
      const args = argList(raw);
      if (args.length !== 1) throw arityError(path, op, 'exactly one condition', `{"${op}": {"var": "strategic"}}`);
      const inner = parseCondition(args[0], argPath(path, op, raw, 0), ctx);
      return op === '!' ? { kind: 'not', arg: inner, path } : inner;
    }
    case '==':
    case '===':
    case '!=':
    case '!==':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return parseCompare(op, raw, path, ctx);
    case 'in':
      return parseIn(raw, path, ctx);
    case 'startsWith':
    case 'endsWith':
      return parseAffix(op, raw, path, ctx);
    case 'missing':
    case 'missing_some':
      return parseMissing(op, raw, path, ctx);
    case 'if':
    case '?:':
      return parseCond(op, raw, path, ctx);
    case 'var':
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
    case 'min':
    case 'max': {
      // A value where a condition is expected counts by JsonLogic truthiness.
      const value = parseDefinite(json, path, ctx, 'a condition');
      return { kind: 'truthy', value, path };
    }
    default:
      throw refuseOperator(op, path, true);
  }
}

function fieldOf(node: ValueNode, registry: FieldRegistry): FieldDef | undefined {
  return node.kind === 'field' ? registry.get(node.name) : undefined;
}

/** Gives every operand the anchor's type, checking enum values against the anchor field. */
function unify(nodes: ValueNode[], ctx: ParseContext, role: string): ValueNode[] {
  const anchor = anchorOf(nodes);
  const field = fieldOf(anchor, ctx.registry);
  return nodes.map((n) => (n === anchor ? n : conform(n, anchor.type, field, role, anchor)));
}

function parseCompare(source: string, raw: unknown, path: string, ctx: ParseContext): Condition {
  const between = source === '<' || source === '<=';
  if (!Array.isArray(raw) || raw.length < 2 || raw.length > (between ? 3 : 2)) {
    // Only < and <= have a 3-operand (between) form in json-logic-js; a chained
    // > or == would mean different things to different engines.
    throw arityError(
      path,
      source,
      between ? 'two operands, or three for "between"' : 'exactly two operands',
      between ? `{"${source}": [10, {"var": "daysLate"}, 60]}` : `{"${source}": [{"var": "daysLate"}, 30]}`,
    );
  }
  const op: CompareOp = source === '===' ? '==' : source === '!==' ? '!=' : (source as CompareOp);
  const parsed = raw.map((a, i) => parseValue(a, pointer(path, source, i), ctx));
  const nulls = parsed.filter((p) => p.kind === 'null');
  if (nulls.length > 0) {
    const other = parsed.find((p) => p.kind !== 'null');
    if ((op !== '==' && op !== '!=') || other === undefined) {
      throw new CriteriaError(
        'AR_ERR_CRITERIA_TYPE',
        `"${source}" with null is never true; to select customers without a value use {"==": [{"var": "field"}, null]}`,
        { path: nulls[0].path },
      );
    }
    return { kind: 'isNull', value: other as ValueNode, negate: op === '!=', path };
  }
  const operands = unify(parsed as ValueNode[], ctx, `"${source}"`);
  const type = operands[0].type;
  if (type === 'stringList') {
    throw new CriteriaError(
      'AR_ERR_CRITERIA_TYPE',
      `${describe(anchorOf(operands))} is a list; test membership with {"in": ["value", {"var": "..."}]}`,
      { path },
    );
  }
  if (type === 'boolean' && op !== '==' && op !== '!=') {
    throw new CriteriaError('AR_ERR_CRITERIA_TYPE', `"${source}" orders values; ${describe(anchorOf(operands))} is true/false`, {
      path,
    });
  }
  return { kind: 'compare', op, source, operands, path };
}

function parseIn(raw: unknown, path: string, ctx: ParseContext): Condition {
  if (!Array.isArray(raw) || raw.length !== 2) {
    throw arityError(path, 'in', 'a value and a list or text', '{"in": [{"var": "segment"}, ["key", "strategic"]]}');
  }
  const [needleJson, haystackJson] = raw;
  const needle = parseDefinite(needleJson, pointer(path, 'in', 0), ctx, 'the value searched by "in"');
  if (Array.isArray(haystackJson)) {
    const items = haystackJson.map((item, i) =>
      parseDefinite(item, pointer(path, 'in', 1, i), ctx, 'an item of the "in" list'),
    );
    if (needle.type === 'stringList') {
      throw new CriteriaError('AR_ERR_CRITERIA_TYPE', `${describe(needle)} is a list; test one value at a time`, { path });
    }
    const [value, ...list] = unify([needle, ...items], ctx, '"in"');
    return { kind: 'inList', value, list, path };
  }
  const haystack = parseDefinite(haystackJson, pointer(path, 'in', 1), ctx, 'the list or text searched by "in"');
  if (haystack.type === 'string') {
    const part = conform(needle, 'string', undefined, 'the text searched for');
    return { kind: 'contains', text: haystack, part, path };
  }
  if (haystack.type === 'stringList') {
    const item = conform(needle, 'string', fieldOf(haystack, ctx.registry), `membership in ${describe(haystack)}`);
    return { kind: 'member', list: haystack, item, path };
  }
  throw new CriteriaError(
    'AR_ERR_CRITERIA_TYPE',
    `"in" searches a list or text, but ${describe(haystack)} is a ${haystack.type}`,
    { path: pointer(path, 'in', 1) },
  );
}

function parseAffix(op: 'startsWith' | 'endsWith', raw: unknown, path: string, ctx: ParseContext): Condition {
  if (!Array.isArray(raw) || raw.length !== 2) {
    throw arityError(path, op, 'a text and a part', `{"${op}": [{"var": "name"}, "ACME"]}`);
  }
  const [text, part] = raw.map((a, i) =>
    conform(parseDefinite(a, pointer(path, op, i), ctx, `an operand of "${op}"`), 'string', undefined, `"${op}"`),
  );
  return { kind: 'affix', where: op === 'startsWith' ? 'start' : 'end', text, part, path };
}

function parseMissing(op: 'missing' | 'missing_some', raw: unknown, path: string, ctx: ParseContext): Condition {
  let need: number | null = null;
  let names: unknown = raw;
  let namesPath = pointer(path, op);
  if (op === 'missing_some') {
    if (!Array.isArray(raw) || raw.length !== 2 || !Array.isArray(raw[1])) {
      throw arityError(path, op, 'a count and a list of fields', '{"missing_some": [1, ["email", "phone"]]}');
    }
    need = raw[0] as number;
    names = raw[1];
    namesPath = pointer(path, op, 1);
    if (!Number.isInteger(need) || need < 1 || need > raw[1].length) {
      throw new CriteriaError('AR_ERR_CRITERIA_VALUE', `the count of "missing_some" must be a whole number from 1 to ${raw[1].length}`, {
        path: pointer(path, op, 0),
      });
    }
  }
  const list = argList(names);
  if (list.length === 0) throw arityError(path, op, 'at least one field name', '{"missing": ["lastPaymentDate"]}');
  const fields = list.map((name, i) => {
    const at = Array.isArray(names) ? pointer(namesPath, i) : namesPath;
    if (typeof name !== 'string') {
      throw new CriteriaError('AR_ERR_CRITERIA_UNSUPPORTED_OPERATOR', `"${op}" takes field names written out, not computed`, { path: at });
    }
    for (const segment of name.split('.')) if (FORBIDDEN_SEGMENTS.has(segment)) throw forbidden(at, segment);
    const def = lookupField(name, at, ctx.registry);
    ctx.fields.add(def.name);
    return { name: def.name, type: def.type };
  });
  return { kind: 'missing', fields, need, source: op, path };
}

function parseCond(op: string, raw: unknown, path: string, ctx: ParseContext): Condition {
  if (!Array.isArray(raw) || raw.length < 2) {
    throw arityError(path, op, 'a condition, a consequence and more pairs or a fallback', `{"${op}": [{"var": "strategic"}, true, false]}`);
  }
  const branches: { when: Condition; then: Condition }[] = [];
  let i = 0;
  for (; i + 1 < raw.length; i += 2) {
    branches.push({
      when: parseCondition(raw[i], pointer(path, op, i), ctx),
      then: parseCondition(raw[i + 1], pointer(path, op, i + 1), ctx),
    });
  }
  // No fallback: JsonLogic yields null, which is falsy.
  const otherwise: Condition = i < raw.length ? parseCondition(raw[i], pointer(path, op, i), ctx) : { kind: 'const', value: false, path };
  return { kind: 'cond', branches, otherwise, path };
}
