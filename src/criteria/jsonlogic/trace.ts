// Records what each operator of a generic rule produced, as ExplainNodes. Field
// reads (var/val) are folded into their parent's sentence ("temp (100) < 110")
// rather than listed as clauses of their own.

import { show, type ExplainNode } from '../explanation.js';
import { truthy } from './coerce.js';
import type { OpNode, Scope } from './operations.js';
import type { LogicNode } from './parse.js';
import { readVal, readVar } from './paths.js';
import { weightOf } from './size.js';

const READS = new Set(['var', 'val', 'exists', 'preserve']);
const COMPARES = new Set(['==', '===', '!=', '!==', '<', '<=', '>', '>=', 'in', 'startsWith', 'endsWith']);
/** Past this weight a value appears in the tree as its first characters: 300 clauses could each hold the record. */
const MAX_TREE_VALUE_WEIGHT = 4_096;

function kept(v: unknown): unknown {
  return weightOf(v) > MAX_TREE_VALUE_WEIGHT ? show(v) : v;
}

export class Tracer {
  active = true;
  private readonly stack: ExplainNode[][] = [[]];
  private recorded = 0;

  constructor(private readonly maxNodes = 300) {}

  /** The outermost traced clauses (one for a rule, several for a list of rules). */
  get top(): ExplainNode[] {
    return this.stack[0];
  }

  around(node: OpNode, scope: Scope, run: () => unknown): unknown {
    const nested = this.stack.length > 1;
    if ((nested && READS.has(node.op)) || this.recorded >= this.maxNodes) return run();
    const kids: ExplainNode[] = [];
    this.stack.push(kids);
    let result: unknown;
    try {
      result = run();
    } finally {
      this.stack.pop();
    }
    this.recorded += 1;
    this.stack[this.stack.length - 1].push(describe(node, scope, result, kids));
    return result;
  }

  quietly<T>(fn: () => T): T {
    const was = this.active;
    this.active = false;
    try {
      return fn();
    } finally {
      this.active = was;
    }
  }
}

interface Arg {
  label: string;
  value: unknown;
  field?: string;
}

/** A literal path read again for the label (literal paths were checked at parse time). */
function readAgain(node: OpNode, scope: Scope): Arg | undefined {
  const lits = node.args.map((a) => (a.k === 'lit' ? a.v : undefined));
  if (node.dynamic || lits.some((v) => v === undefined)) return undefined;
  if (node.op === 'var') {
    const value = readVar(scope.data, lits[0], lits[1], node.path);
    const field = lits[0] === undefined || lits[0] === null ? '' : String(lits[0]);
    return { label: `${field || 'data'} (${show(value)})`, value, field };
  }
  if (node.op === 'val') {
    const value = lits.length === 0 ? scope.data : readVal(scope.data, lits, node.path);
    const field = lits.map(String).join('.');
    return { label: `${field || 'data'} (${show(value)})`, value, field };
  }
  return undefined;
}

function argOf(arg: LogicNode, scope: Scope, kids: ExplainNode[]): Arg {
  if (arg.k === 'lit') return { label: show(arg.v), value: arg.v };
  if (arg.k === 'list') return { label: '[…]', value: undefined };
  const read = READS.has(arg.op) ? readAgain(arg, scope) : undefined;
  if (read) return read;
  const kid = kids.find((k) => k.path === arg.path);
  if (!kid) return { label: `${arg.op}(…)`, value: undefined };
  const value = 'value' in kid ? kid.value : kid.outcome;
  return { label: show(value), value };
}

function describe(node: OpNode, scope: Scope, result: unknown, kids: ExplainNode[]): ExplainNode {
  const { op } = node;
  const args = node.dynamic ? [] : node.args.map((a) => argOf(a, scope, kids));
  const labels = args.map((a) => a.label);
  const out: ExplainNode = { path: node.path, operator: op, outcome: truthy(result), text: '' };
  if (typeof result !== 'boolean') out.value = kept(result);
  if (kids.length > 0) out.children = kids;

  if (COMPARES.has(op) && args.length >= 2) {
    out.text = `${labels.join(` ${op} `)}`;
    const at = args.findIndex((a) => a.field !== undefined);
    if (at >= 0) {
      const others = args.filter((_, i) => i !== at).map((a) => a.value);
      Object.assign(out, { field: args[at].field, actual: kept(args[at].value), expected: kept(others.length === 1 ? others[0] : others) });
    }
  } else if (op === 'and' || op === 'or' || op === 'if' || op === '?:') {
    out.text = `${op} → ${show(result)}`;
  } else if (op === '!' || op === '!!') {
    out.text = `${op}${labels[0] ?? ''} → ${show(result)}`;
  } else if (['map', 'filter', 'reduce', 'all', 'some', 'none'].includes(op)) {
    const n = Array.isArray(args[0]?.value) ? (args[0].value as unknown[]).length : '?';
    out.text = `${op} over ${labels[0]} (${n} items) → ${show(result)}`;
  } else {
    out.text = `${op}(${labels.join(', ')}) → ${show(result)}`;
  }
  return out;
}
