// What each JsonLogic operator does on arbitrary data. Semantics follow
// json-logic-js where the official suite pins them and the community
// specification (compat-tables) where it goes further; README.md lists the
// few places where we chose.

import { CriteriaError } from '../errors.js';
import { arithmetic } from './arithmetic.js';
import { asText, looseEquals, ordered, strictEquals, truthy } from './coerce.js';
import type { Interpreter } from './evaluate.js';
import { iterate } from './iterators.js';
import type { LogicNode } from './parse.js';
import { pathExists, readVal, readVar } from './paths.js';
import { weightOf } from './size.js';

/** The data a rule reads, with the enclosing scopes that val's [[n], …] climbs to. */
export interface Scope {
  data: unknown;
  parent: Scope | null;
}

export type OpNode = Extract<LogicNode, { k: 'op' }>;

/** Evaluated arguments; a single rule given as the argument is spread if it yields an array. */
export function argValues(it: Interpreter, node: OpNode, scope: Scope): unknown[] {
  if (node.dynamic) {
    const v = it.run(node.args[0], scope);
    return Array.isArray(v) ? v : [v];
  }
  return node.args.map((a) => it.run(a, scope));
}

/** Lazy operators receive their arguments unevaluated, unless they came as one dynamic rule. */
type LazyArg = LogicNode | { k: 'value'; v: unknown };

function lazyArgs(it: Interpreter, node: OpNode, scope: Scope): LazyArg[] {
  if (!node.dynamic) return node.args;
  const v = it.run(node.args[0], scope);
  return (Array.isArray(v) ? v : [v]).map((x) => ({ k: 'value' as const, v: x }));
}

function runItem(it: Interpreter, item: LazyArg, scope: Scope): unknown {
  return item.k === 'value' ? item.v : it.run(item, scope);
}

export function evalOperator(it: Interpreter, node: OpNode, scope: Scope): unknown {
  const { op, path } = node;
  switch (op) {
    case 'preserve':
      return (node.args[0] as { v: unknown }).v;
    case 'var': {
      const [p, fallback] = argValues(it, node, scope);
      return readVar(scope.data, p, fallback, path);
    }
    case 'val':
      return val(argValues(it, node, scope), scope, path);
    case 'exists':
      return pathExists(scope.data, argValues(it, node, scope), path);
    case 'missing':
      return missing(argValues(it, node, scope), scope, path);
    case 'missing_some': {
      const [need, keys] = argValues(it, node, scope);
      const list = Array.isArray(keys) ? keys : [];
      const absent = missing(list, scope, path);
      return list.length - absent.length >= Number(need) ? [] : absent;
    }
    case 'if':
    case '?:': {
      const args = node.args;
      let i = 0;
      for (; i + 1 < args.length; i += 2) {
        if (truthy(it.run(args[i], scope))) return it.run(args[i + 1], scope);
      }
      return i < args.length ? it.run(args[i], scope) : null;
    }
    case 'and':
    case 'or': {
      let last: unknown = false;
      for (const a of node.args) {
        last = it.run(a, scope);
        if (truthy(last) === (op === 'or')) return last;
      }
      return last;
    }
    case '!':
    case '!!': {
      const v = node.args.length === 0 ? null : it.run(node.args[0], scope);
      return op === '!' ? !truthy(v) : truthy(v);
    }
    case '==':
    case '===':
    case '!=':
    case '!==':
    case '<':
    case '<=':
    case '>':
    case '>=': {
      // Chained and lazy: stop at the first pair that fails.
      let prev = it.run(node.args[0], scope);
      for (let i = 1; i < node.args.length; i++) {
        const cur = it.run(node.args[i], scope);
        if (!comparePair(op, prev, cur, path)) return false;
        prev = cur;
      }
      return true;
    }
    case '??': {
      for (const item of lazyArgs(it, node, scope)) {
        const v = runItem(it, item, scope);
        if (v !== null && v !== undefined) return v;
      }
      return null;
    }
    case 'try':
      return tryEach(it, node, scope);
    case 'throw': {
      const [v] = argValues(it, node, scope);
      const payload = v !== null && typeof v === 'object' ? v : { type: String(v) };
      const type = String((payload as { type?: unknown }).type ?? 'Error');
      throw new CriteriaError('AR_ERR_CRITERIA_EVALUATION', `the rule threw "${type}"`, {
        path,
        jsonLogicType: type,
        catchable: true,
        thrown: payload,
      });
    }
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
    case 'min':
    case 'max':
      return arithmetic(op, argValues(it, node, scope), path);
    case 'cat': {
      const text = argValues(it, node, scope).map(asText).join('');
      it.checkSize(text.length, path);
      return text;
    }
    case 'substr': {
      const [s, start, length] = argValues(it, node, scope);
      return substr(asText(s), Number(start) || 0, length === undefined ? undefined : Number(length));
    }
    case 'in': {
      const [needle, haystack] = argValues(it, node, scope);
      if (Array.isArray(haystack)) return haystack.includes(needle);
      if (typeof haystack === 'string') return haystack.includes(asText(needle));
      return false;
    }
    case 'startsWith':
    case 'endsWith': {
      const [text, part] = argValues(it, node, scope);
      if (typeof text !== 'string' || typeof part !== 'string') return false;
      return op === 'startsWith' ? text.startsWith(part) : text.endsWith(part);
    }
    case 'merge': {
      const parts = argValues(it, node, scope);
      const out = parts.flatMap((v) => (Array.isArray(v) ? v : [v]));
      it.checkSize(out.length, path);
      it.charge(parts.reduce<number>((sum, v) => sum + weightOf(v), 0), path);
      return out;
    }
    case 'map':
    case 'filter':
    case 'reduce':
    case 'all':
    case 'some':
    case 'none':
      return iterate(it, node, scope);
  }
}

function comparePair(op: string, a: unknown, b: unknown, path: string): boolean {
  switch (op) {
    case '==':
      return looseEquals(a, b, path);
    case '!=':
      return !looseEquals(a, b, path);
    case '===':
      return strictEquals(a, b);
    case '!==':
      return !strictEquals(a, b);
    default:
      return ordered(op as '<' | '<=' | '>' | '>=', a, b, path);
  }
}

/** val: [[n], k1, k2…] climbs n scopes first; [] is the current data. */
function val(args: unknown[], scope: Scope, path: string): unknown {
  let from = scope;
  let keys = args;
  if (Array.isArray(args[0])) {
    let climb = Math.abs(Number(args[0][0]) || 0);
    while (climb-- > 0 && from.parent) from = from.parent;
    keys = args.slice(1);
  }
  return keys.length === 0 ? from.data : readVal(from.data, keys, path);
}

function missing(args: unknown[], scope: Scope, path: string): unknown[] {
  const keys = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  return keys.filter((k) => {
    const v = readVar(scope.data, k, undefined, path);
    return v === null || v === '';
  });
}

/** String.prototype.substr semantics, plus json-logic-js's negative length (drop from the end). */
export function substr(s: string, start: number, length?: number): string {
  const from = start < 0 ? Math.max(s.length + start, 0) : Math.min(start, s.length);
  if (length === undefined || Number.isNaN(length)) return s.slice(from);
  if (length < 0) {
    const rest = s.slice(from);
    return rest.slice(0, Math.max(rest.length + length, 0));
  }
  return s.slice(from, from + length);
}

function tryEach(it: Interpreter, node: OpNode, scope: Scope): unknown {
  const items = lazyArgs(it, node, scope);
  let current = scope;
  let lastError: CriteriaError | undefined;
  for (const item of items) {
    try {
      return runItem(it, item, current);
    } catch (e) {
      if (!(e instanceof CriteriaError) || !e.catchable) throw e;
      lastError = e;
      // The fallback reads the error ({"type": …}); [[2], …] climbs back to the data.
      const error = e.thrown ?? { type: e.jsonLogicType };
      current = { data: error, parent: { data: null, parent: scope } };
    }
  }
  if (lastError) throw lastError;
  return null;
}

