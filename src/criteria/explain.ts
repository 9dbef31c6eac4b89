// Why a customer matches a saved search or not: every clause evaluated (no
// short-circuit, so the collector sees all of them) with the field, the
// operator, what was expected and what the record holds. The outcome of each
// clause is the compiled semantics (compile-closures.ts), so the explanation
// never disagrees with the run that assigned the customer.

import type { Condition, CriteriaAst, CustomerRecord, ValueNode } from './ast.js';
import { compileValueFn, isMissing, isTruthy, normalize, compareValues } from './compile-closures.js';
import { explanationOf, show, type Explanation, type ExplainNode } from './explanation.js';

export function explain(ast: CriteriaAst, record: CustomerRecord): Explanation {
  return explanationOf(explainCondition(ast.root, record));
}

/** The expression as a person would write it: `openAmount - 100`, `max(daysLate, 30)`. */
export function formula(node: ValueNode): string {
  switch (node.kind) {
    case 'field':
      return node.fallback ? `${node.name} (default ${show(node.fallback.value)})` : node.name;
    case 'literal':
      return show(node.value);
    case 'arith':
      return node.args.length === 1 ? `${node.op}${formula(node.args[0])}` : `(${node.args.map(formula).join(` ${node.op} `)})`;
    case 'minmax':
      return `${node.op}(${node.args.map(formula).join(', ')})`;
    case 'choose':
      return 'if(…)';
  }
}

const VERBS = {
  contains: ['contains', 'does not contain'],
  start: ['starts with', 'does not start with'],
  end: ['ends with', 'does not end with'],
} as const;

interface Operand {
  label: string;
  value: unknown;
  node: ValueNode;
}

function operand(node: ValueNode, record: CustomerRecord): Operand {
  const value = compileValueFn(node)(record);
  const label = node.kind === 'literal' ? show(value) : `${formula(node)} (${show(value)})`;
  return { label, value, node };
}

/** field/actual/expected for a UI: the first field read, and what it met. */
function clauseFacts(ops: Operand[], record: CustomerRecord): Pick<ExplainNode, 'field' | 'actual' | 'expected'> {
  const at = ops.findIndex((o) => o.node.kind === 'field');
  if (at < 0) return {};
  const f = ops[at].node as Extract<ValueNode, { kind: 'field' }>;
  const others = ops.filter((_, i) => i !== at).map((o) => o.value);
  return {
    field: f.name,
    actual: normalize(f.type, record[f.name]),
    expected: others.length === 1 ? others[0] : others,
  };
}

function absentNote(ops: Operand[], outcome: boolean): string {
  const absent = ops.filter((o) => o.value === null).map((o) => formula(o.node));
  return absent.length > 0 && !outcome ? ` (false: ${absent.join(', ')} has no value)` : '';
}

function explainCondition(node: Condition, record: CustomerRecord): ExplainNode {
  const base = { path: node.path };
  switch (node.kind) {
    case 'const':
      return { ...base, operator: String(node.value), outcome: node.value, text: `always ${node.value}` };
    case 'and':
    case 'or': {
      const children = node.args.map((a) => explainCondition(a, record));
      const held = children.filter((c) => c.outcome).length;
      const outcome = node.kind === 'and' ? held === children.length : held > 0;
      const text =
        node.kind === 'and'
          ? outcome
            ? `all ${children.length} conditions hold`
            : `${children.length - held} of ${children.length} conditions fail`
          : outcome
            ? `${held} of ${children.length} alternatives hold`
            : `none of ${children.length} alternatives holds`;
      return { ...base, operator: node.kind, outcome, text, children };
    }
    case 'not': {
      const child = explainCondition(node.arg, record);
      return { ...base, operator: '!', outcome: !child.outcome, text: `not (${child.text})`, children: [child] };
    }
    case 'compare': {
      const ops = node.operands.map((o) => operand(o, record));
      let outcome = ops.every((o) => o.value !== null);
      for (let i = 1; outcome && i < ops.length; i++) outcome = compareValues(node.op, ops[i - 1].value, ops[i].value);
      const text = ops.map((o) => o.label).join(` ${node.source} `) + absentNote(ops, outcome);
      return { ...base, operator: node.source, outcome, text, ...clauseFacts(ops, record) };
    }
    case 'isNull': {
      const op = operand(node.value, record);
      const outcome = (op.value === null) !== node.negate;
      const text = op.value === null ? `${formula(node.value)} has no value` : `${formula(node.value)} has a value (${show(op.value)})`;
      const facts = clauseFacts([op], record);
      return { ...base, operator: node.negate ? '!=' : '==', outcome, text, ...facts, ...(facts.field ? { expected: null } : {}) };
    }
    case 'inList': {
      const value = operand(node.value, record);
      const list = node.list.map((n) => compileValueFn(n)(record));
      const outcome = value.value !== null && list.includes(value.value);
      const text = `${value.label} is ${outcome ? '' : 'not '}one of ${show(list)}` + absentNote([value], outcome);
      const facts = clauseFacts([value], record);
      return { ...base, operator: 'in', outcome, text, ...facts, ...(facts.field ? { expected: list } : {}) };
    }
    case 'contains':
    case 'affix': {
      const text = operand(node.text, record);
      const part = operand(node.part, record);
      const key = node.kind === 'contains' ? 'contains' : node.where;
      const t = text.value as string | null;
      const p = part.value as string | null;
      const outcome =
        t !== null && p !== null && (node.kind === 'contains' ? t.includes(p) : node.where === 'start' ? t.startsWith(p) : t.endsWith(p));
      const operator = node.kind === 'contains' ? 'in' : node.where === 'start' ? 'startsWith' : 'endsWith';
      const sentence = `${text.label} ${VERBS[key][outcome ? 0 : 1]} ${part.label}`;
      return { ...base, operator, outcome, text: sentence + absentNote([text, part], outcome), ...clauseFacts([text, part], record) };
    }
    case 'member': {
      const list = operand(node.list, record);
      const item = operand(node.item, record);
      const outcome = list.value !== null && item.value !== null && (list.value as unknown[]).includes(item.value);
      const text = `${list.label} ${outcome ? 'includes' : 'does not include'} ${item.label}` + absentNote([list, item], outcome);
      return { ...base, operator: 'in', outcome, text, ...clauseFacts([list, item], record) };
    }
    case 'truthy': {
      const op = operand(node.value, record);
      const outcome = isTruthy(node.value.type, op.value);
      const facts = clauseFacts([op], record);
      return { ...base, operator: '!!', outcome, text: `${op.label} counts as ${outcome}`, ...facts, expected: true };
    }
    case 'missing': {
      const absent = node.fields.filter((f) => isMissing(f.type, record[f.name])).map((f) => f.name);
      const present = node.fields.length - absent.length;
      const outcome = node.need === null ? absent.length > 0 : present < node.need;
      const text =
        node.need === null
          ? absent.length > 0
            ? `missing: ${absent.join(', ')}`
            : `none missing of ${node.fields.map((f) => f.name).join(', ')}`
          : `${present} of ${node.fields.length} present, ${node.need} needed` + (absent.length ? ` (missing: ${absent.join(', ')})` : '');
      return { ...base, operator: node.source, outcome, value: absent, text };
    }
    case 'cond': {
      const children: ExplainNode[] = [];
      for (const [i, b] of node.branches.entries()) {
        const when = explainCondition(b.when, record);
        children.push(when);
        if (when.outcome) {
          const then = explainCondition(b.then, record);
          children.push(then);
          return { ...base, operator: 'if', outcome: then.outcome, text: `branch ${i + 1} applies`, children };
        }
      }
      const otherwise = explainCondition(node.otherwise, record);
      children.push(otherwise);
      return { ...base, operator: 'if', outcome: otherwise.outcome, text: 'no branch applies; the fallback decides', children };
    }
  }
}
